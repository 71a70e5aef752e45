"""Emails about orders. Sent after commit, never inside the checkout's transaction.

The confirmation is an outbox message, delivered at least once, so its Message-ID comes from
the message id: a redelivery is the same email (patterns/10_on_commit/README.md).
"""

from typing import Any
from uuid import UUID

from django.core.mail import EmailMessage

from shop.orders.models import Order, OrderItem
from shop.outbox.mail import email_message_id

ORDER_CONFIRMATION_EMAIL = "order.confirmation_email"


def order_confirmation_email(message_id: UUID, payload: dict[str, Any]) -> None:
    """The outbox handler for "order.confirmation_email" (registered in OrdersConfig.ready)."""
    send_order_confirmation(
        order_id=payload["order_id"],
        email_id=email_message_id(kind="order-confirmation", message_id=message_id),
    )


def send_order_confirmation(*, order_id: int, email_id: str | None = None) -> None:
    """Email the order's buyer; ``email_id`` is its Message-ID (Django makes one if None)."""
    # One query: the items, each joined to its order and the buyer (a checkout never
    # writes an order without items). Without a broker it runs in the request that
    # placed the order, after the commit, so it is kept to one round trip.
    items = list(OrderItem.objects.select_related("order__user").filter(order_id=order_id))
    if not items:  # no such order, or its transaction has not committed yet
        raise Order.DoesNotExist("Order matching query does not exist.")  # as .get() says
    order = items[0].order
    lines = "\n".join(
        f"  {i.quantity} x {i.product_name} ({i.sku_code})  {i.line_total}" for i in items
    )
    EmailMessage(
        subject=f"Your order #{order.pk}",
        body=f"Thank you for your order.\n\n{lines}\n\nTotal: {order.total}\n",
        to=[order.user.email],
        headers={"Message-ID": email_id} if email_id else None,
    ).send()
