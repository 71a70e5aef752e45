"""The transactional outbox: messages that leave only if the change they announce committed.

``outbox_put`` writes a row in the caller's transaction: the message exists if
and only if the business change does. ``deliver_pending`` (run by
``manage.py deliver_outbox``) hands each row to the handler registered for its
topic, one message per transaction, and marks it delivered in that transaction.

Delivery is at least once: a crash after the handler ran and before the commit
leaves the row undelivered, and the next run delivers it again. A handler that
raises is retried later, after a delay that doubles with each attempt. Consumers
deduplicate by the message id. Several relays may run at once: each locks the
row it delivers and skips rows locked by the others (``SKIP LOCKED``).
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
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from shop.core.models import OutboxMessage

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
    if not transaction.get_connection().in_atomic_block:
        # In autocommit the row would commit on its own, whatever happens to the
        # change it announces: the one thing an outbox exists to prevent.
        raise TransactionManagementError(
            "outbox_put() must run inside the transaction of the change it announces "
            "(transaction.atomic())."
        )
    return OutboxMessage.objects.create(topic=topic, payload=payload)


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
