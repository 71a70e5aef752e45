"""What the practice watcher's fork server imports once (``patterns/practice_watch.py``).

Every test run of a watch session is a fork of that server, so it starts with
these libraries loaded instead of importing them again after each save.
"""

import importlib
import os

import django

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

for name in LIBRARIES:
    try:
        importlib.import_module(name)
    except Exception:  # noqa: S110 - one that needs Django's settings loads in the run instead
        pass

# The shop itself, set up as the test harness sets it up (conftest.py's pytest_configure),
# so that a run finds Django's apps loaded and the modules its tests import already there.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
try:
    django.setup()
    for name in ["shop.urls", "rest_framework.test", "tests.factories"]:
        importlib.import_module(name)
except Exception:  # noqa: S110 - the run sets Django up itself then
    pass
