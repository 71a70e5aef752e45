import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A message for the outside world, written in the transaction of the change it announces.

    The row commits or rolls back with that change; a task (or the sweep, or
    ``manage.py deliver_outbox``) hands it to its topic's handler afterwards, at least once.
    """

    # The message id: consumers deduplicate by it, because a crash between the
    # handler and the commit delivers the same message again.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(max_length=100)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a failed attempt: not before this (a growing delay). Null: due now.
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table and its index keep the names they had when the model lived in core:
        # the move to this app changed no schema (migrations/0001_initial.py).
        db_table = "core_outboxmessage"
        ordering = ["created_at", "id"]
        indexes = [
            # The relay's one question, "the oldest undelivered", without scanning
            # everything ever delivered.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(delivered_at__isnull=True),
                name="core_outbox_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.id}"
