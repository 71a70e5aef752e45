"""The carts' maintenance, on the beat schedule (CELERY_BEAT_SCHEDULE in shop/settings.py)."""

from celery import shared_task

from shop.carts.services import cart_remove_empty


@shared_task
def remove_empty_carts() -> str:
    return f"deleted {cart_remove_empty()} empty carts"
