"""Announcing a placed order as the article's section 10 says: everything in on_commit.

"This applies to anything external: emails, webhooks, Celery tasks, Slack
notifications. If it talks to the outside world, it goes in on_commit." So the
confirmation email (a Celery task) and the warehouse's notification both wait for
the commit, each in the article's own shape, ``transaction.on_commit(lambda: ...)``.

That is right about rollbacks: a checkout that fails, or whose caller rolls it
back, sends nothing. It is right about the queue: the task is queued after the
COMMIT, so a worker always finds the order. It is right about late binding in
this shape too: ``order`` is a parameter, bound once per call, so two orders in
one transaction get one email each. What it leaves out: ``robust=True``, so a
mail server (or a broker) that raises after the COMMIT turns a placed order into
a 500 and skips the callbacks after it; and durability, since a callback lives
in memory and a worker stopped right after the COMMIT loses the email and the
warehouse's notification for good.
"""

from uuid import uuid4

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from shop.orders.emails import send_order_confirmation


@shared_task
def send_order_emails(order_id: int) -> None:
    send_order_confirmation(order_id=order_id)


def notify_warehouse(order) -> None:
    notify = import_string(settings.ORDER_NOTIFIER)
    notify(
        message_id=uuid4(),
        topic="order.placed",
        payload={"order_id": order.pk, "user_id": order.user_id, "total": f"{order.total:.2f}"},
    )


def order_announce(*, order) -> None:
    transaction.on_commit(lambda: send_order_emails.delay(order.pk))
    transaction.on_commit(lambda: notify_warehouse(order))
