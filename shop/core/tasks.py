"""The outbox on a task queue (pattern 10): one task per committed message, and a sweep.

``deliver_outbox_message`` is queued after the COMMIT by ``outbox_put`` (its id is
``outbox-<message id>``). It is idempotent: it locks the message's row, skipping a row
another worker holds, and does nothing for a message already delivered, so a task
delivered twice by the broker (a worker killed mid-task, ``acks_late``) costs one
more delivery at most, which consumers deduplicate by message id.

A handler that fails (a mail server down) is retried by Celery after the delay the
outbox recorded on the row (2 s, 4 s, 8 s, ...), ``QUICK_RETRIES`` times; then the
task stops and the row stays due for the sweep, which keeps trying, at most hourly.
Without a broker (the task runs in the web process) there is no quick retry: the
request must not wait for a mail server that is down. ``manage.py deliver_outbox``
retries then.

``deliver_outbox`` is the sweep, on the beat schedule (``CELERY_BEAT_SCHEDULE``).
"""

import logging

from celery import shared_task
from django.utils import timezone

from shop.core.outbox import deliver_message, deliver_pending

logger = logging.getLogger(__name__)

QUICK_RETRIES = 5  # 2 + 4 + 8 + 16 + 32 s: about a minute, then the sweep takes over
SWEEP_LIMIT = 500  # messages per sweep; the next sweep goes on


@shared_task(bind=True, max_retries=QUICK_RETRIES)
def deliver_outbox_message(self, message_id: str) -> str:
    """Deliver one outbox message; what happened, in a word (the worker logs it)."""
    message = deliver_message(message_id)
    if message is None:
        return "nothing to do"  # delivered already, or another worker holds it now
    if message.delivered_at is not None:
        return "delivered"
    if self.request.is_eager or self.request.retries >= self.max_retries:
        return "failed; left to the sweep"
    wait = max(0.0, (message.retry_at - timezone.now()).total_seconds())
    raise self.retry(countdown=wait)


@shared_task
def deliver_outbox() -> str:
    """The sweep: deliver the messages that are due, whatever queued them or not."""
    run = deliver_pending(limit=SWEEP_LIMIT)
    return f"delivered {run.delivered} of {run.pending}, {run.failed} failed"
