from django.core.management.base import BaseCommand

from shop.users.models import User


class Command(BaseCommand):
    help = (
        "Delete accounts not verified within EMAIL_VERIFICATION_TIMEOUT of registering "
        "(an unverified account cannot log in, so it has nothing else). Run it daily."
    )

    def handle(self, *args, **options) -> None:
        expired = User.objects.unverified_expired()
        count = expired.count()
        expired.delete()
        self.stdout.write(f"Deleted {count} unverified accounts whose verification link expired.")
