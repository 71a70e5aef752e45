"""The outbox's delivery side: each message to its topic's handler, at least once.

Consumers deduplicate by the message id. The story, and what to run in production
(workers, the sweep, ``manage.py deliver_outbox``): patterns/10_on_commit/README.md.
"""

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shop.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

Handler = Callable[[UUID, dict[str, Any]], None]

# The retry schedule, stated here only. After its nth failed attempt a message waits
# 2**n s (2 s, 4 s, 8 s, ...), at most MAX_RETRY_DELAY (from the 12th attempt). Its task
# sits out the first QUICK_RETRIES of those waits (tasks.py) and then leaves it to the
# sweep, which delivers it whenever it is due again: hourly, for a message that always fails.
MAX_RETRY_DELAY = timedelta(hours=1)

# topic -> handler. Apps register theirs in AppConfig.ready(): the outbox imports none of them.
handlers: dict[str, Handler] = {}


def register(topic: str, handler: Handler) -> None:
    """Route ``topic`` to ``handler(message_id, payload)``; one handler a topic."""
    if handlers.get(topic, handler) is not handler:
        raise ImproperlyConfigured(f"Outbox topic {topic!r} already has a handler.")
    handlers[topic] = handler


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
    """How long a message waits after ``attempts`` failed attempts (see MAX_RETRY_DELAY)."""
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
    """Hand a message whose row this transaction holds to its handler; record the outcome.

    The outcome commits with the handler's writes: a crash before that COMMIT leaves
    the message undelivered, and it is delivered again.
    """
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
