"""WSGI entry point: ``shop.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

from shop.core.telemetry import configure_opentelemetry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
configure_opentelemetry()  # before the handler loads its middleware

application = get_wsgi_application()
