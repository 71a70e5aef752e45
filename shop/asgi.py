"""ASGI entry point: ``shop.asgi:application``."""

import os

from django.core.asgi import get_asgi_application

from shop.core.telemetry import configure_opentelemetry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
configure_opentelemetry()  # before the handler loads its middleware

application = get_asgi_application()
