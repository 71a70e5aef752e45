from django.db.models import QuerySet

from shop.orders.models import Order


def order_list(*, user) -> QuerySet[Order]:
    """The user's orders, newest first, items in two queries whatever the page."""
    return Order.objects.filter(user=user).prefetch_related("items")


def order_for_key(*, user, idempotency_key: str) -> Order | None:
    """The order an earlier request with this key placed, with its items (for the replay).

    One query when there is none (the usual case); the items' query runs only for a replay.
    """
    return order_list(user=user).filter(idempotency_key=idempotency_key).first()


def order_of(*, user, order_id: int) -> Order:
    return order_list(user=user).get(pk=order_id)
