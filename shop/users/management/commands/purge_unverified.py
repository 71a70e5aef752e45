from django.core.management.base import BaseCommand

from shop.users.services import user_purge_unverified


class Command(BaseCommand):
    help = (
        "Delete accounts not verified within EMAIL_VERIFICATION_TIMEOUT of registering "
        "(an unverified account cannot log in, so it has nothing else). Run it daily "
        "(celery -A shop beat does, with a broker)."
    )

    def handle(self, *args, **options) -> None:
        count = user_purge_unverified()
        self.stdout.write(f"Deleted {count} unverified accounts whose verification link expired.")
