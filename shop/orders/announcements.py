"""Announcing a placed order: its confirmation email and its notification, as outbox messages.

Written in the checkout's transaction, so they exist if and only if the order does;
delivered after its COMMIT, at least once (patterns/10_on_commit/README.md).
"""

from shop.orders.emails import ORDER_CONFIRMATION_EMAIL
from shop.orders.models import Order
from shop.orders.notifications import ORDER_PLACED
from shop.outbox.services import outbox_put_many


def order_announce(*, order: Order) -> None:
    outbox_put_many(
        messages=[
            # The email: at least once, the same Message-ID every time (orders/emails.py).
            (ORDER_CONFIRMATION_EMAIL, {"order_id": order.pk}),
            # The notification: at least once; its consumer deduplicates by message id.
            (
                ORDER_PLACED,
                {"order_id": order.pk, "user_id": order.user_id, "total": f"{order.total:.2f}"},
            ),
        ]
    )
