"""The transactional outbox (pattern 10): writing messages, delivering them, the relay command.

Parallel relays and a relay killed mid-delivery are proved in patterns/10_on_commit.
"""

import logging
import os
import signal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from shop.outbox import delivery
from shop.outbox.delivery import deliver_pending
from shop.outbox.models import OutboxMessage
from shop.outbox.services import outbox_put
from testing.factories import UserFactory

pytestmark = pytest.mark.django_db

TOPIC = "test.happened"


@pytest.fixture
def delivered(monkeypatch) -> list[tuple]:
    """A handler for TOPIC recording (message id, payload); payloads with "fail" raise."""
    calls = []

    def handle(message_id, payload):
        if payload.get("fail"):
            raise ConnectionError(f"the receiver is down ({payload['n']})")
        calls.append((message_id, payload))

    monkeypatch.setitem(delivery.handlers, TOPIC, handle)
    return calls


def put(count: int, **payload) -> list:
    return [outbox_put(topic=TOPIC, payload={"n": n, **payload}).pk for n in range(count)]


# --- Writing -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_outbox_put_refuses_to_run_outside_a_transaction():
    with pytest.raises(TransactionManagementError, match="inside the transaction"):
        outbox_put(topic=TOPIC, payload={})

    assert not OutboxMessage.objects.exists()


def test_a_message_rolls_back_with_the_transaction_that_wrote_it():
    def write_then_fail():
        with transaction.atomic():
            outbox_put(topic=TOPIC, payload={"n": 1})
            raise RuntimeError("the business write failed")

    with pytest.raises(RuntimeError):
        write_then_fail()

    assert not OutboxMessage.objects.exists()


def test_a_message_waits_undelivered_with_a_unique_id():
    first, second = (OutboxMessage.objects.get(pk=pk) for pk in put(2))

    assert first.pk != second.pk
    assert (first.delivered_at, first.attempts, first.last_error) == (None, 0, "")


def test_a_topic_takes_one_handler():
    def handler(message_id, payload):
        pass

    delivery.register(TOPIC, handler)
    try:
        delivery.register(TOPIC, handler)  # the same one again: harmless
        with pytest.raises(ImproperlyConfigured, match=TOPIC):
            delivery.register(TOPIC, lambda message_id, payload: None)
    finally:
        del delivery.handlers[TOPIC]


def test_the_orders_app_handles_order_placed():
    from shop.orders.notifications import order_placed

    assert delivery.handlers["order.placed"] is order_placed


def test_the_default_order_notifier_logs_the_notification(caplog):
    with transaction.atomic():
        message = outbox_put(topic="order.placed", payload={"order_id": 7, "total": "12.50"})

    with caplog.at_level(logging.INFO, logger="shop.orders"):
        deliver_pending()

    assert f'order.placed {message.pk} {{"order_id": 7, "total": "12.50"}}' in caplog.text


# --- Delivering ------------------------------------------------------------------------


def test_delivery_hands_each_message_to_its_handler_oldest_first_and_marks_it(delivered):
    ids = put(3)

    run = deliver_pending()

    assert [message_id for message_id, _ in delivered] == ids
    assert [payload["n"] for _, payload in delivered] == [0, 1, 2]
    assert (run.pending, run.delivered, run.failed) == (3, 3, 0)
    assert not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_a_delivered_message_is_not_delivered_again(delivered):
    put(2)
    deliver_pending()

    run = deliver_pending()

    assert (run.pending, run.delivered, len(delivered)) == (0, 0, 2)


def test_a_failing_handler_is_recorded_logged_and_skipped_then_retried_later(delivered, caplog):
    [failing] = put(1, fail=True)
    after = put(2)

    with caplog.at_level(logging.ERROR, logger="shop.outbox.delivery"):
        run = deliver_pending()

    message = OutboxMessage.objects.get(pk=failing)
    assert (run.delivered, run.failed) == (2, 1)
    assert [message_id for message_id, _ in delivered] == after, "the run stopped at the failure"
    assert (message.delivered_at, message.attempts) == (None, 1)
    assert message.last_error == "ConnectionError: the receiver is down (0)"
    assert f"Outbox message {failing} (test.happened) failed on attempt 1" in caplog.text

    assert deliver_pending().pending == 0, "retried at once, before its delay"

    # Its delay has passed, and the receiver is back.
    OutboxMessage.objects.filter(pk=failing).update(retry_at=timezone.now(), payload={"n": 0})
    run = deliver_pending()

    message.refresh_from_db()
    assert (run.delivered, message.attempts) == (1, 2)
    assert message.delivered_at is not None


def test_a_failed_message_waits_longer_after_each_attempt_up_to_an_hour(delivered):
    [failing] = put(1, fail=True)
    waits = []
    for _ in range(14):
        before = timezone.now()
        deliver_pending()
        message = OutboxMessage.objects.get(pk=failing)
        waits.append(round((message.retry_at - before).total_seconds()))
        OutboxMessage.objects.filter(pk=failing).update(retry_at=None)  # time passes

    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600, 3600, 3600]
    assert [delivery.retry_delay(n).total_seconds() for n in (1, 100)] == [2, 3600]


def test_a_failing_handlers_database_writes_are_undone(monkeypatch):
    def write_then_fail(message_id, payload):
        UserFactory(email="half-done@example.com")
        raise ConnectionError("the receiver is down")

    monkeypatch.setitem(delivery.handlers, TOPIC, write_then_fail)
    put(1)

    deliver_pending()

    assert not get_user_model().objects.filter(email="half-done@example.com").exists()
    assert OutboxMessage.objects.get().attempts == 1


def test_a_message_without_a_handler_waits_with_the_reason():
    message = outbox_put(topic="nobody.listens", payload={})

    run = deliver_pending()

    message.refresh_from_db()
    assert (run.failed, message.delivered_at) == (1, None)
    assert message.last_error == "LookupError: No outbox handler for topic 'nobody.listens'."


def test_a_run_ends_after_the_messages_pending_when_it_started(monkeypatch):
    """A handler that always queues another message cannot keep a run going forever."""

    def and_another(message_id, payload):
        outbox_put(topic=TOPIC, payload={"n": payload["n"] + 1})

    monkeypatch.setitem(delivery.handlers, TOPIC, and_another)
    put(2)

    run = deliver_pending()

    assert (run.pending, run.delivered) == (2, 2)
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 2


def test_a_limit_caps_a_run(delivered):
    put(5)

    run = deliver_pending(limit=2)

    assert (run.pending, run.delivered, len(delivered)) == (5, 2, 2)


# --- The relay command -------------------------------------------------------------------


def deliver_outbox(*args: str) -> str:
    out = StringIO()
    call_command("deliver_outbox", *args, stdout=out)
    return out.getvalue()


def test_the_command_reports_progress_every_ten_messages_and_a_summary(delivered):
    put(25)

    assert deliver_outbox() == (
        "Delivered 10 of 25 messages…\nDelivered 20 of 25 messages…\nDelivered 25 of 25 messages.\n"
    )
    assert len(delivered) == 25


def test_the_command_with_nothing_to_deliver_says_so(delivered):
    assert deliver_outbox() == "Delivered 0 of 0 messages.\n"


def test_the_command_delivers_at_most_its_limit(delivered):
    put(25)

    assert deliver_outbox("--limit", "12") == (
        "Delivered 10 of 25 messages…\nDelivered 12 of 25 messages.\n"
    )
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 13


@pytest.mark.parametrize(
    ("option", "value"), [("--limit", "0"), ("--interval", "0"), ("--interval", "-1")]
)
def test_the_command_refuses_a_limit_or_interval_that_cannot_work(option, value):
    with pytest.raises(CommandError, match=option):
        deliver_outbox("--loop", option, value)


def test_the_command_counts_failures_and_says_they_will_be_retried(delivered):
    put(1, fail=True)
    put(2)

    assert deliver_outbox() == (
        "Delivered 2 of 3 messages; 1 failed and will be retried "
        "(the error is logged and kept in the message's last_error).\n"
    )


def test_the_command_in_a_loop_delivers_then_stops_when_idle(delivered):
    put(3)

    output = deliver_outbox("--loop", "--idle-exit", "0")

    assert output == "Delivered 3 of 3 messages.\nNothing to deliver for 0s; stopping.\n"
    assert len(delivered) == 3


def test_the_command_in_a_loop_leaves_a_failing_message_to_its_retry_delay(delivered):
    put(1, fail=True)
    put(2)

    output = deliver_outbox("--loop", "--idle-exit", "0")

    assert output.splitlines() == [
        "Delivered 2 of 3 messages; 1 failed and will be retried "
        "(the error is logged and kept in the message's last_error).",
        "Nothing to deliver for 0s; stopping.",
    ]


def test_the_command_in_a_loop_stops_on_sigterm_after_the_message_in_hand(monkeypatch):
    def handle_then_get_stopped(message_id, payload):
        os.kill(os.getpid(), signal.SIGTERM)  # what a deploy sends the relay

    monkeypatch.setitem(delivery.handlers, TOPIC, handle_then_get_stopped)
    put(3)

    output = deliver_outbox("--loop")

    assert output == "Delivered 1 of 3 messages.\n"
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 2
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "the command kept its handler"


# --- The admin ----------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


def test_staff_read_the_outbox_filtered_by_delivery_and_searched_by_id(admin_client, delivered):
    done, failed = put(1)[0], put(1, fail=True)[0]
    deliver_pending()
    waiting = put(1)[0]

    def listed(query: str) -> set:
        response = admin_client.get(f"/admin/outbox/outboxmessage/{query}")
        assert response.status_code == 200
        return {message.pk for message in response.context["cl"].result_list}

    assert listed("") == {done, failed, waiting}
    assert listed("?delivered_at__isempty=1") == {failed, waiting}
    assert listed("?delivered_at__isempty=0") == {done}
    assert listed(f"?q={failed}") == {failed}
    assert listed("?q=not-a-uuid") == set()


def test_nobody_adds_edits_or_deletes_a_message_in_the_admin(admin_client):
    [message] = put(1)
    page = f"/admin/outbox/outboxmessage/{message}/change/"

    assert admin_client.get("/admin/outbox/outboxmessage/add/").status_code == 403
    assert admin_client.get(f"/admin/outbox/outboxmessage/{message}/delete/").status_code == 403
    assert admin_client.get(page).status_code == 200  # view only
    assert admin_client.post(page, {"topic": "changed"}).status_code == 403
    assert OutboxMessage.objects.get(pk=message).topic == TOPIC
