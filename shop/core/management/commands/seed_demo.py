from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load demo data (idempotent: safe to run twice). Each app seeds its own part."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            # It makes a superuser whose password is in the README, and resets it each run.
            raise CommandError(
                "seed_demo refuses to run with DJANGO_DEBUG off: it creates accounts whose "
                "passwords are published in the README. It is for local demos: "
                "DJANGO_DEBUG=true python manage.py seed_demo"
            )
        # Apps offer a `seed_demo(stdout)` method on their AppConfig; core finds them
        # through the app registry, so it imports none of them.
        with transaction.atomic():
            for config in apps.get_app_configs():
                if hasattr(config, "seed_demo"):
                    self.stdout.write(f"Seeding {config.label}…")
                    config.seed_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
