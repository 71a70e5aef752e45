"""The outbox's write side: messages written in the caller's transaction, queued after its COMMIT.

The story, and what to run in production: patterns/10_on_commit/README.md.
"""

import logging
import traceback
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.transaction import TransactionManagementError
from opentelemetry import context as otel_context

from shop.core.side_effects import after_commit
from shop.outbox.models import OutboxMessage
from shop.outbox.tasks import deliver_outbox_messages

logger = logging.getLogger(__name__)


def outbox_put(*, topic: str, payload: dict[str, Any]) -> OutboxMessage:
    """Queue a message, atomically with the caller's writes."""
    [message] = outbox_put_many(messages=[(topic, payload)])
    return message


def outbox_put_many(*, messages: Sequence[tuple[str, dict[str, Any]]]) -> list[OutboxMessage]:
    """Queue several ``(topic, payload)`` messages in one INSERT, atomically with the caller's.

    The messages exist if and only if the caller's change does. Once the transaction
    commits, they are handed to one delivery task: one publish to the broker, however many.
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
    after_commit(queue_delivery, message_ids=[message.pk for message in rows])
    return rows


def queue_delivery(*, message_ids: Sequence[UUID]) -> None:
    """Hand committed messages to one task. Never fails the caller: the sweep is the net.

    The task id comes from the first message's id, so the task is recognisable in any
    monitor (its arguments name the others). A broker that is down costs a warning here,
    never the response: the rows are committed, and the next sweep (or
    ``manage.py deliver_outbox``) delivers them.
    """
    ids = [str(message_id) for message_id in message_ids]
    # The tracing of Celery makes the "apply_async" span current when it starts to
    # publish, and only a publish that succeeds makes it stop being current (seen with
    # opentelemetry-instrumentation-celery 0.66b1). Restore the caller's trace context
    # either way, or after a broker outage everything this thread traces next would hang
    # under a span that never ends.
    trace_context = otel_context.attach(otel_context.get_current())
    try:
        deliver_outbox_messages.apply_async(args=[ids], task_id=f"outbox-{ids[0]}")
    except Exception as exc:
        logger.warning(
            "Could not queue outbox messages %s (%s); the outbox sweep will deliver them.",
            ", ".join(ids),
            "".join(traceback.format_exception_only(exc)).strip(),
        )
    finally:
        otel_context.detach(trace_context)
