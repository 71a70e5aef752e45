"""Emails sent as outbox messages: one Message-ID per message, however often it is delivered."""

from uuid import UUID

from django.conf import settings


def email_message_id(*, kind: str, message_id: UUID) -> str:
    """The Message-ID header for an outbox message: the same on every delivery of it.

    Delivery is at least once, so a redelivered email must be recognisably the same
    one (mail clients show one). The domain is the sender's, not the machine's
    (Django's default): any worker on any host writes the same header.
    """
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<{kind}.{message_id}@{domain}>"
