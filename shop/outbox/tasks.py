"""The outbox's Celery tasks: one per transaction's messages, queued by the write side, and the sweep.

What runs them in production (workers, beat, or no broker): patterns/10_on_commit/README.md.
"""

from celery import shared_task
from django.utils import timezone

from shop.outbox.delivery import deliver_message, deliver_pending
from shop.outbox.models import OutboxMessage

QUICK_RETRIES = 5  # on the retry schedule (MAX_RETRY_DELAY in delivery.py), then the sweep
SWEEP_LIMIT = 500  # messages per sweep; the next sweep goes on


@shared_task(bind=True, max_retries=QUICK_RETRIES)
def deliver_outbox_messages(self, message_ids: list[str]) -> str:
    """Deliver the messages one transaction wrote, each in its own; what happened to each,
    in a word (the worker logs it).

    Idempotent: a message delivered already, or held by another worker, is left alone,
    so a task the broker hands out twice costs one more delivery at most. A retry
    carries only the messages that failed. Without a broker (the task runs in the
    request) a failure is not retried here: the request must not wait for a mail
    server that is down; the sweep retries it.
    """
    outcomes: list[str] = []
    failed: list[OutboxMessage] = []
    for message_id in message_ids:
        message = deliver_message(message_id)
        if message is None:
            outcomes.append("nothing to do")  # delivered already, or another worker holds it now
        elif message.delivered_at is not None:
            outcomes.append("delivered")
        else:
            outcomes.append("failed; left to the sweep")
            failed.append(message)
    if failed and not self.request.is_eager and self.request.retries < self.max_retries:
        wait = max(0.0, (min(m.retry_at for m in failed) - timezone.now()).total_seconds())
        raise self.retry(args=[[str(m.pk) for m in failed]], countdown=wait)
    return ", ".join(outcomes)


@shared_task
def deliver_outbox() -> str:
    """The sweep, on the beat schedule: deliver the messages that are due, whatever queued them."""
    run = deliver_pending(limit=SWEEP_LIMIT)
    return f"delivered {run.delivered} of {run.pending}, {run.failed} failed"
