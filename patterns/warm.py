"""What the practice watcher's fork server imports once (``patterns/practice_watch.py``).

Every test run of a watch session is a fork of that server, so it starts with
these libraries loaded, and Django set up, instead of doing it again after each
save. Anything that fails here is simply left for the run to do itself.
"""

import importlib
import os
from contextlib import suppress

LIBRARIES = [
    "django",
    "django.test",
    "rest_framework",
    "rest_framework_simplejwt",
    "psycopg",
    "pytest",
    "pytest_django",
    "_pytest.assertion.rewrite",
    "hypothesis",
    "factory",
    "opentelemetry.sdk.trace",
    "opentelemetry.instrumentation.django",
    "opentelemetry.instrumentation.psycopg",
]
# After Django's setup: the shop's views and serializers, and what the tests import.
SHOP = ["shop.urls", "rest_framework.test", "tests.factories"]

for name in LIBRARIES:
    with suppress(Exception):
        importlib.import_module(name)

# The environment conftest.py's pytest_configure gives the test run (DATABASE_URL is
# the watch session's own), so that Django's setup here is the one the run would do.
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789abcdef"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
with suppress(Exception):
    import django

    django.setup()
    for name in SHOP:
        importlib.import_module(name)
