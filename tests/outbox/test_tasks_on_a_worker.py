"""The outbox's tasks on a real Celery worker and a real Redis (issue 13, pattern 10).

A worker thread of the test process (``servers/celery.py``) runs the shop's Celery app,
so the test's monkeypatches reach it: a mail server that fails on cue, and no waiting
between retries (``retry_delay``), so the retries are real and the test is quick.
Skipped, with the reason, without ``redis-server``.
"""

from datetime import timedelta
from decimal import Decimal
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from rest_framework.test import APIClient

from servers.celery import celery_on_broker, worker_thread
from shop.outbox import delivery
from shop.outbox.models import OutboxMessage
from shop.outbox.tasks import QUICK_RETRIES, deliver_outbox
from testing.factories import CartFactory, CartItemFactory, SKUFactory, UserFactory
from testing.task_queue import TaskLedger

pytestmark = [
    pytest.mark.postgres(reason="a worker thread reads what the checkout committed"),
    pytest.mark.django_db(transaction=True),
]

DELIVER = "shop.outbox.tasks.deliver_outbox_messages"


@pytest.fixture(scope="module")
def worker(redis_broker):
    redis_broker.flush()
    with celery_on_broker(redis_broker.url) as app, worker_thread(app):
        yield app


@pytest.fixture
def ledger(worker, monkeypatch):
    monkeypatch.setattr(delivery, "retry_delay", lambda attempts: timedelta(0))
    with TaskLedger() as ledger:
        yield ledger
        ledger.wait_until_idle()


def check_out(email: str) -> int:
    cart = CartFactory(user=UserFactory(email=email))
    CartItemFactory(cart=cart, sku=SKUFactory(stock=5, price=Decimal("12.50")), quantity=1)
    client = APIClient()
    client.force_authenticate(cart.user)
    response = client.post("/api/checkouts/", {"cart_id": cart.pk}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


class FlakyMailServer(BaseEmailBackend):
    """Down for its first ``down`` attempts (the last of them takes the email, then drops
    the connection before saying so: the sender sees a failure, the customer gets it);
    then up. Every email it took lands in ``mail.outbox``."""

    down = 0
    attempts = 0

    def send_messages(self, email_messages):
        FlakyMailServer.attempts += 1
        if FlakyMailServer.attempts < FlakyMailServer.down:
            raise ConnectionRefusedError("the mail server is down")
        mail.outbox.extend(email_messages)
        if FlakyMailServer.attempts == FlakyMailServer.down:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return len(email_messages)


@pytest.fixture
def flaky_mail_server(settings, mailoutbox, monkeypatch):
    monkeypatch.setattr(FlakyMailServer, "attempts", 0)
    settings.EMAIL_BACKEND = f"{__name__}.FlakyMailServer"
    return FlakyMailServer


def test_a_checkout_and_its_email_task_share_one_trace(ledger, spans):
    order_id = check_out("ann@example.com")
    ledger.wait_until_idle()

    finished = {span.name: span for span in spans.get_finished_spans()}
    checkout, queued = finished["checkout"], finished[f"apply_async/{DELIVER}"]
    ran = [s for s in spans.get_finished_spans() if s.name == f"run/{DELIVER}"]
    assert len(ran) == 1, f"expected one task for the email and the notification, got {ran}"
    assert ran[0].context.trace_id == checkout.context.trace_id, (
        f"checked out order {order_id}, its task ran in trace {hex(ran[0].context.trace_id)}, "
        f"expected the checkout's {hex(checkout.context.trace_id)}"
    )
    assert queued.parent.span_id == checkout.context.span_id, "queued from inside the checkout"


def test_a_checkouts_messages_are_delivered_by_one_task_named_after_them(ledger):
    check_out("ann@example.com")
    ledger.wait_until_idle()

    messages = OutboxMessage.objects.all()
    assert len(messages) == 2, "the checkout wrote its email and its notification"
    assert len(ledger.queued_ids) == 1, f"one publish per checkout, got {ledger.queued_ids}"
    assert ledger.queued_ids[0] in {f"outbox-{message.pk}" for message in messages}
    assert all(message.delivered_at for message in messages)


def test_a_mail_server_down_for_three_attempts_gives_each_customer_one_email(
    ledger, flaky_mail_server, mailoutbox
):
    flaky_mail_server.down = 3
    customers = ["ann@example.com", "bob@example.com", "cat@example.com"]
    orders = {check_out(email): email for email in customers}
    ledger.wait_until_idle()

    emails = OutboxMessage.objects.filter(topic="order.confirmation_email")
    assert not emails.filter(delivered_at__isnull=True).exists(), "an email was lost"
    assert sum(email.attempts for email in emails) == 3 + 3, "3 failures, then 3 deliveries"
    seen = {
        customer: {m.message()["Message-ID"] for m in mailoutbox if m.to == [customer]}
        for customer in customers
    }
    copies = sorted(sum(m.to == [customer] for m in mailoutbox) for customer in customers)
    assert copies == [1, 1, 2], "the dropped connection's email arrived, and was sent again"
    assert all(len(ids) == 1 for ids in seen.values()), (
        f"placed orders {sorted(orders)} while the mail server failed 3 times, the customers "
        f"saw Message-IDs {seen}, expected one email each (one Message-ID per order)"
    )
    subjects = sorted({m.subject for m in mailoutbox})
    assert subjects == sorted(f"Your order #{order}" for order in orders)


def test_a_task_out_of_retries_leaves_its_message_to_the_sweep(
    ledger, flaky_mail_server, mailoutbox
):
    flaky_mail_server.down = QUICK_RETRIES + 10  # longer than the task retries
    order_id = check_out("ann@example.com")
    ledger.wait_until_idle()

    email = OutboxMessage.objects.get(topic="order.confirmation_email")
    assert (email.delivered_at, email.attempts) == (None, QUICK_RETRIES + 1), (
        "the task tried once and retried QUICK_RETRIES times, then stopped, undelivered"
    )
    assert email.last_error == "ConnectionRefusedError: the mail server is down"

    flaky_mail_server.down = 0  # back
    deliver_outbox.delay()  # what the beat schedule sends every 10 s
    ledger.wait_until_idle()

    email.refresh_from_db()
    assert email.delivered_at is not None, "the sweep did not deliver the email"
    assert [m.subject for m in mailoutbox] == [f"Your order #{order_id}"]
