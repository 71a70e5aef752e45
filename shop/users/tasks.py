"""Identity's maintenance, on the beat schedule (CELERY_BEAT_SCHEDULE in shop/settings.py)."""

from io import StringIO

from celery import shared_task
from django.core.management import call_command

from shop.users.services import user_purge_unverified


@shared_task
def purge_unverified() -> str:
    return f"deleted {user_purge_unverified()} unverified accounts"


@shared_task
def flush_expired_tokens() -> str:
    """simplejwt's command: drop the records of refresh tokens past their expiry."""
    output = StringIO()
    call_command("flushexpiredtokens", stdout=output)
    return output.getvalue().strip() or "flushed expired tokens"
