"""The outbox's Celery tasks without a worker (issue 13, pattern 10).

The suite runs as the demo does, without ``CELERY_BROKER_URL``: a task runs in the
process that queues it. The worker itself is tested in ``test_tasks_on_a_worker.py``
and ``tests/faults/test_worker_killed.py``.
"""

import subprocess
import sys
import threading
from contextlib import contextmanager
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from rest_framework.test import APIClient

from servers import ROOT, free_port
from servers.celery import celery_on_broker
from shop.celery import app
from shop.outbox import delivery
from shop.outbox.delivery import deliver_pending
from shop.outbox.models import OutboxMessage
from shop.outbox.tasks import deliver_outbox, deliver_outbox_messages
from testing.factories import CartFactory, CartItemFactory, SKUFactory, UserFactory

pytestmark = pytest.mark.django_db

TOPIC = "test.happened"


@pytest.fixture
def delivered(monkeypatch) -> list:
    calls = []
    monkeypatch.setitem(delivery.handlers, TOPIC, lambda message_id, payload: calls.append(payload))
    return calls


def unqueued_message(n: int = 1) -> OutboxMessage:
    """A committed-looking message, written without queuing its task."""
    return OutboxMessage.objects.create(topic=TOPIC, payload={"n": n})


def check_out() -> tuple[int, object]:
    cart = CartFactory(user=UserFactory())
    CartItemFactory(cart=cart, sku=SKUFactory(stock=5, price=Decimal("12.50")), quantity=1)
    client = APIClient()
    client.force_authenticate(cart.user)
    response = client.post("/api/checkouts/", {"cart_id": cart.pk}, format="json")
    return response.status_code, response


class CountingRefusingMailServer(BaseEmailBackend):
    attempts = 0

    def send_messages(self, email_messages):
        CountingRefusingMailServer.attempts += 1
        raise ConnectionRefusedError("the mail server is down")


# --- The task that delivers one transaction's messages -----------------------------------


def test_the_task_delivers_its_message_once_and_then_does_nothing(delivered):
    message = unqueued_message()

    first = deliver_outbox_messages.apply(args=[[str(message.pk)]]).result
    second = deliver_outbox_messages.apply(args=[[str(message.pk)]]).result

    assert (first, second) == ("delivered", "nothing to do")
    assert delivered == [{"n": 1}], "a task delivered twice must deliver once"


@pytest.mark.postgres(reason="row locks and SKIP LOCKED")
@pytest.mark.django_db(transaction=True)
def test_the_task_skips_a_message_another_worker_is_delivering(delivered):
    message = unqueued_message()
    locked, release = threading.Event(), threading.Event()

    def another_worker_delivering() -> None:
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    other = threading.Thread(target=another_worker_delivering)
    other.start()
    try:
        assert locked.wait(30), "harness: the other worker never locked the row"
        skipped = deliver_outbox_messages.apply(args=[[str(message.pk)]]).result
    finally:
        release.set()
        other.join()

    assert (skipped, delivered) == ("nothing to do", []), (
        f"ran the task while another worker held the message, got {skipped!r} and "
        f"{len(delivered)} deliveries, expected 'nothing to do' at once, and none"
    )


@pytest.mark.django_db(transaction=True)  # a real COMMIT runs the after-commit task
def test_without_a_broker_a_failing_email_is_tried_once_after_commit_then_left_to_the_relay(
    settings, monkeypatch
):
    """No quick retries inside the request: they would hold the customer's answer
    hostage to a mail server that is down (Celery's eager retries do not wait)."""
    settings.EMAIL_BACKEND = f"{__name__}.CountingRefusingMailServer"
    monkeypatch.setattr(CountingRefusingMailServer, "attempts", 0)

    status, _ = check_out()

    email = OutboxMessage.objects.get(topic="order.confirmation_email")
    assert (status, CountingRefusingMailServer.attempts) == (201, 1), (
        f"checked out while the mail server was down, got {status} after "
        f"{CountingRefusingMailServer.attempts} attempts to send, expected 201 after one"
    )
    assert (email.delivered_at, email.attempts, email.retry_at is not None) == (None, 1, True)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # back
    email.retry_at = None  # its delay has passed
    email.save()
    assert deliver_pending().delivered == 1, "the relay (cron or beat) delivers it later"


def run_as_a_worker(message_ids: list[str]) -> Retry:
    """Run the task as a worker runs it (not eagerly, which never retries); its Retry."""
    task, args = deliver_outbox_messages, [message_ids]
    task.push_request(
        id="1", args=args, kwargs={}, retries=0, is_eager=False, called_directly=False
    )
    try:
        with pytest.raises(Retry) as retry:
            task.run(*args)
    finally:
        task.pop_request()
    return retry.value


def refuse(message_id, payload):
    raise ConnectionRefusedError("the mail server is down")


def test_on_a_worker_a_failed_delivery_is_retried_after_the_outboxs_delay(monkeypatch):
    """Run as a worker runs it, a failed delivery asks Celery to retry after the delay
    the outbox set: 2 s after the first failure, then 4, 8, ... (``delivery.retry_delay``),
    not at once. Nothing in the schedule is patched: the countdown handed to Celery is
    what the test reads."""
    monkeypatch.setitem(delivery.handlers, TOPIC, refuse)
    message = unqueued_message()

    retry = run_as_a_worker([str(message.pk)])

    first_delay = delivery.retry_delay(1).total_seconds()
    assert retry.when == pytest.approx(first_delay, abs=0.5), (
        f"a first failed delivery on a worker, got a retry in {retry.when} s, "
        f"expected {first_delay:g} s"
    )


def test_on_a_worker_a_retry_carries_only_the_messages_that_failed(monkeypatch, delivered):
    """One task delivers a transaction's messages (a checkout's email and notification):
    one that was delivered is not delivered again by the retry of another."""
    monkeypatch.setitem(delivery.handlers, "test.refused", refuse)
    fine = unqueued_message()
    failing = OutboxMessage.objects.create(topic="test.refused", payload={})

    retry = run_as_a_worker([str(fine.pk), str(failing.pk)])

    assert retry.sig.args == ([str(failing.pk)],), (
        f"delivered one of two messages and failed the other, got a retry of {retry.sig.args}, "
        f"expected one of the failed message alone"
    )
    assert delivered == [{"n": 1}]


# --- Queuing after the COMMIT: a broker that is down ----------------------------------------


@contextmanager
def restored(context):
    token = context.attach(context.get_current())
    try:
        yield
    finally:
        context.detach(token)


def closed_port_broker() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


@pytest.mark.django_db(transaction=True)
def test_a_broker_down_at_commit_costs_neither_the_order_nor_a_500(caplog):
    with celery_on_broker(closed_port_broker()):
        status, response = check_out()

    assert status == 201, (
        f"checked out while the broker was down, got {status} {response.content[:200]!r}, "
        "expected 201: the order is placed, its messages wait in the outbox"
    )
    assert "the outbox sweep will deliver them" in caplog.text
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 2
    assert deliver_pending().delivered == 2, "the sweep delivers what could not be queued"


def test_a_failed_queuing_leaves_the_callers_trace_context_as_it_was(caplog):
    """Outside a request (a management command, a shell) nothing else would restore it."""
    from opentelemetry import trace

    from shop.outbox.services import queue_delivery

    with celery_on_broker(closed_port_broker()):
        before = trace.get_current_span()
        queue_delivery(message_ids=["00000000-0000-0000-0000-000000000000"])
        after = trace.get_current_span()

    assert "the outbox sweep will deliver them" in caplog.text, "harness: the queuing failed"
    assert after is before, (
        f"queued a task on a broker that is down, got {after} as the current span after, "
        f"expected the caller's ({before})"
    )


def test_celerys_delay_on_commit_is_not_robust_so_the_shop_does_not_use_it(
    django_capture_on_commit_callbacks,
):
    """Celery 5.4+'s ``DjangoTask.delay_on_commit`` registers ``on_commit(partial(delay))``
    without ``robust=True`` (seen in 5.7.0): a broker down raises out of the COMMIT, and a
    placed order answers 500. The shop queues through ``after_commit`` instead. When
    Celery makes it robust, this test fails and ``delay_on_commit`` will do."""
    from kombu.exceptions import OperationalError
    from opentelemetry import context

    with (
        restored(context),  # see test_a_failed_queuing_leaves_the_callers_trace_context_as_it_was
        celery_on_broker(closed_port_broker()),
        pytest.raises(OperationalError),
        django_capture_on_commit_callbacks(execute=True),  # runs hooks as a COMMIT does
    ):
        deliver_outbox_messages.delay_on_commit(["00000000-0000-0000-0000-000000000000"])


# --- The sweep and the processes ---------------------------------------------------------------


def test_the_beat_schedule_runs_the_outbox_sweep_every_ten_seconds(delivered):
    entry = app.conf.beat_schedule["deliver-outbox"]
    unqueued_message(1), unqueued_message(2)

    summary = app.tasks[entry["task"]].apply().result

    assert (entry["task"], entry["schedule"]) == (deliver_outbox.name, 10.0)
    assert entry["options"]["expires"] <= entry["schedule"], "a late sweep is dropped"
    assert summary == "delivered 2 of 2, 0 failed"
    assert delivered == [{"n": 1}, {"n": 2}]


@pytest.mark.parametrize("process", ["worker", "beat"])
def test_a_worker_or_beat_without_a_broker_refuses_to_start_and_says_why(process, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": "sqlite://",
    }
    done = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "shop", process, "--loglevel", "warning"]
        + (["--schedule", str(tmp_path / "beat-schedule")] if process == "beat" else []),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "CELERY_BROKER_URL is not set" in done.stdout + done.stderr


@pytest.mark.django_db(transaction=True)  # the COMMIT, and so the task, inside the checkout
def test_without_a_broker_the_email_task_runs_inside_the_checkouts_trace(spans):
    check_out()

    finished = spans.get_finished_spans()
    [checkout] = [span for span in finished if span.name == "checkout"]
    ran = [span for span in finished if span.name == f"run/{deliver_outbox_messages.name}"]
    assert len(ran) == 1, "one task for the checkout's email and notification"
    assert ran[0].context.trace_id == checkout.context.trace_id
    assert not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()
