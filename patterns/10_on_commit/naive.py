"""Announcing a placed order as a capable engineer first writes it: right away.

The order row has just been written, so tell the customer and the warehouse
now: the confirmation email goes to the task queue (a Celery task, so a slow
mail server never slows the checkout), the warehouse is told directly. But the
checkout's transaction is still open. If anything after this line fails (taking
the stock, emptying the cart, the caller's own transaction), the order rolls
back, and the email and the notification are already out, for an order that
does not exist. A worker may even run the task before the COMMIT, and find no
order at all. Without a broker the task runs here and now: a mail server that
is down fails the whole checkout, a 500 and no order.
"""

from uuid import uuid4

from celery import shared_task
from django.conf import settings
from django.utils.module_loading import import_string

from shop.orders.emails import send_order_confirmation


@shared_task
def email_order_confirmation(order_id: int) -> None:
    send_order_confirmation(order_id=order_id)


def order_announce(*, order) -> None:
    email_order_confirmation.delay(order.pk)
    notify = import_string(settings.ORDER_NOTIFIER)
    notify(
        message_id=uuid4(),
        topic="order.placed",
        payload={"order_id": order.pk, "user_id": order.user_id, "total": f"{order.total:.2f}"},
    )
