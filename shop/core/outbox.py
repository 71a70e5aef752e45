"""The transactional outbox: messages that leave only if the change they announce committed.

``outbox_put`` writes a row in the caller's transaction: the message exists if
and only if the business change does. Once that transaction commits, a task
delivers that one message (``shop.core.tasks.deliver_outbox_message``: on a
Celery worker, or in this process without a broker). ``deliver_pending`` (the
beat schedule's sweep, and ``manage.py deliver_outbox``) delivers whatever is
still due: a task that was never queued, was lost, or gave up. Each delivery
hands the row to the handler registered for its topic, one message per
transaction, and marks it delivered in that transaction.

Delivery is at least once: a crash after the handler ran and before the commit
leaves the row undelivered, and the next run delivers it again. A handler that
raises is retried later, after a delay that doubles with each attempt. Consumers
deduplicate by the message id. Several relays and tasks may run at once: each
locks the row it delivers and skips rows locked by the others (``SKIP LOCKED``).
"""

import logging
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from opentelemetry import context as otel_context

from shop.core.models import OutboxMessage
from shop.core.side_effects import after_commit

logger = logging.getLogger(__name__)

Handler = Callable[[UUID, dict[str, Any]], None]

MAX_RETRY_DELAY = timedelta(hours=1)

# topic -> handler. Apps register theirs in AppConfig.ready(): core imports none of them.
handlers: dict[str, Handler] = {}


def register(topic: str, handler: Handler) -> None:
    """Route ``topic`` to ``handler(message_id, payload)``; one handler a topic."""
    if handlers.get(topic, handler) is not handler:
        raise ImproperlyConfigured(f"Outbox topic {topic!r} already has a handler.")
    handlers[topic] = handler


def outbox_put(*, topic: str, payload: dict[str, Any]) -> OutboxMessage:
    """Queue a message, atomically with the caller's writes."""
    [message] = outbox_put_many(messages=[(topic, payload)])
    return message


def outbox_put_many(*, messages: Sequence[tuple[str, dict[str, Any]]]) -> list[OutboxMessage]:
    """Queue several ``(topic, payload)`` messages in one INSERT, atomically with the caller's writes.

    Once the transaction commits, each is handed to its own delivery task.
    """
    if not transaction.get_connection().in_atomic_block:
        # In autocommit the row would commit on its own, whatever happens to the
        # change it announces: the one thing an outbox exists to prevent.
        raise TransactionManagementError(
            "outbox_put() must run inside the transaction of the change it announces "
            "(transaction.atomic())."
        )
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(topic=topic, payload=payload) for topic, payload in messages
    )
    for message in rows:
        after_commit(queue_delivery, message_id=message.pk)
    return rows


def queue_delivery(*, message_id: UUID) -> None:
    """Hand one committed message to a task. Never fails the caller: the sweep is the net.

    The task id comes from the message id, so the task is recognisable in any monitor.
    A broker that is down costs a warning here, never the response: the row is
    committed, and the next sweep (or ``manage.py deliver_outbox``) delivers it.
    """
    from shop.core.tasks import deliver_outbox_message  # that module imports this one

    # The tracing of Celery makes the "apply_async" span current when it starts to
    # publish, and only a publish that succeeds makes it stop being current (seen with
    # opentelemetry-instrumentation-celery 0.66b1). Restore the caller's trace context
    # either way, or after a broker outage everything this thread traces next would hang
    # under a span that never ends.
    trace_context = otel_context.attach(otel_context.get_current())
    try:
        deliver_outbox_message.apply_async(args=[str(message_id)], task_id=f"outbox-{message_id}")
    except Exception as exc:
        logger.warning(
            "Could not queue outbox message %s (%s); the outbox sweep will deliver it.",
            message_id,
            "".join(traceback.format_exception_only(exc)).strip(),
        )
    finally:
        otel_context.detach(trace_context)


@dataclass
class DeliveryRun:
    pending: int  # undelivered when the run started
    delivered: int = 0
    failed: int = 0


def deliver_pending(
    *,
    limit: int | None = None,
    progress: Callable[[DeliveryRun], None] | None = None,
    stop: threading.Event | None = None,
) -> DeliveryRun:
    """Deliver the messages that are due, oldest first, each in its own transaction.

    A run handles at most as many messages as were due when it started (so it
    ends, however fast new ones arrive), and at most ``limit``. A handler that
    raises is logged, its error and attempt recorded, and the message waits
    ``retry_delay(attempts)`` before it is due again. ``progress(run)`` is
    called after every message; a set ``stop`` ends the run after the message
    in hand.
    """
    run = DeliveryRun(pending=due().count())
    budget = run.pending if limit is None else min(limit, run.pending)
    while run.delivered + run.failed < budget and not (stop and stop.is_set()):
        delivered = deliver_next()
        if delivered is None:
            break
        if delivered:
            run.delivered += 1
        else:
            run.failed += 1
        if progress:
            progress(run)
    return run


def due() -> QuerySet[OutboxMessage]:
    """Undelivered messages that are not waiting out a retry delay."""
    return OutboxMessage.objects.filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now()), delivered_at__isnull=True
    )


def retry_delay(attempts: int) -> timedelta:
    """2 s after the first failure, doubling, at most an hour (from the 12th)."""
    return min(timedelta(seconds=2 ** min(attempts, 12)), MAX_RETRY_DELAY)


def deliver_next() -> bool | None:
    """Deliver the oldest due message nobody else holds: delivered, failed, or None (none)."""
    with transaction.atomic():
        # SKIP LOCKED: a row another relay is delivering is not ours to wait for.
        # (SQLite has no row locks; its IMMEDIATE transactions serialise relays instead.)
        message = due().select_for_update(skip_locked=True).order_by("created_at", "id").first()
        if message is None:
            return None
        return deliver_locked(message)


def deliver_message(message_id: UUID) -> OutboxMessage | None:
    """Deliver this one message, unless it is delivered already or another relay holds it.

    Returns the message after the attempt (``delivered_at`` set, or ``retry_at`` and
    ``last_error``), or None when there was nothing to do. Its ``retry_at`` is not
    waited for: whoever asks for this message is its retry schedule.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, delivered_at__isnull=True)
            .first()
        )
        if message is None:
            return None
        deliver_locked(message)
        return message


def deliver_locked(message: OutboxMessage) -> bool:
    """Hand a message whose row this transaction holds to its handler; record the outcome."""
    message.attempts += 1
    try:
        handler = handlers.get(message.topic)
        if handler is None:
            raise LookupError(f"No outbox handler for topic {message.topic!r}.")
        with transaction.atomic():  # a savepoint: a failing handler's writes are undone
            handler(message.pk, message.payload)
    except Exception as exc:
        message.last_error = "".join(traceback.format_exception_only(exc)).strip()
        message.retry_at = timezone.now() + retry_delay(message.attempts)
        message.save(update_fields=["attempts", "last_error", "retry_at"])
        logger.exception(
            "Outbox message %s (%s) failed on attempt %d; retrying after %s.",
            message.pk,
            message.topic,
            message.attempts,
            message.retry_at.isoformat(timespec="seconds"),
        )
        return False
    message.delivered_at = timezone.now()
    message.save(update_fields=["attempts", "delivered_at"])
    return True
