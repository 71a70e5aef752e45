from django.core.management.base import BaseCommand

from shop.carts.services import EMPTY_CART_LIFETIME, cart_remove_empty


class Command(BaseCommand):
    help = (
        f"Delete the carts left empty for {EMPTY_CART_LIFETIME.days} days. Run it daily "
        "(celery -A shop beat does, with a broker)."
    )

    def handle(self, *args, **options) -> None:
        count = cart_remove_empty()
        self.stdout.write(f"Deleted {count} carts left empty for {EMPTY_CART_LIFETIME.days} days.")
