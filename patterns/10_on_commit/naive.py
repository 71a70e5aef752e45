"""Announcing a placed order as a capable engineer first writes it: right away.

The order row has just been written, so tell the customer and the warehouse
now. But the checkout's transaction is still open: if anything after this line
fails (taking the stock, emptying the cart, the caller's own transaction), the
order rolls back, and the email and the notification are already out, for an
order that does not exist. And a mail server that is down now fails the whole
checkout: the customer gets a 500 and no order.
"""

from uuid import uuid4

from django.conf import settings
from django.utils.module_loading import import_string

from shop.orders.emails import send_order_confirmation


def announce_order_placed(*, order) -> None:
    send_order_confirmation(order_id=order.pk)
    notify = import_string(settings.ORDER_NOTIFIER)
    notify(
        message_id=uuid4(),
        topic="order.placed",
        payload={"order_id": order.pk, "user_id": order.user_id, "total": f"{order.total:.2f}"},
    )
