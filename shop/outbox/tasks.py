"""The outbox's Celery tasks: one per committed message, queued by the write side, and the sweep.

What runs them in production (workers, beat, or no broker): patterns/10_on_commit/README.md.
"""

from celery import shared_task
from django.utils import timezone

from shop.outbox.delivery import deliver_message, deliver_pending

QUICK_RETRIES = 5  # on the retry schedule (MAX_RETRY_DELAY in delivery.py), then the sweep
SWEEP_LIMIT = 500  # messages per sweep; the next sweep goes on


@shared_task(bind=True, max_retries=QUICK_RETRIES)
def deliver_outbox_message(self, message_id: str) -> str:
    """Deliver one outbox message; what happened, in a word (the worker logs it).

    Idempotent: a message delivered already, or held by another worker, is left alone,
    so a task the broker hands out twice costs one more delivery at most. Without a
    broker (the task runs in the request) a failure is not retried here: the request
    must not wait for a mail server that is down; the sweep retries it.
    """
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
    """The sweep, on the beat schedule: deliver the messages that are due, whatever queued them."""
    run = deliver_pending(limit=SWEEP_LIMIT)
    return f"delivered {run.delivered} of {run.pending}, {run.failed} failed"
