"""What the practice watcher's fork server imports once (``kata/practice_watch.py``).

Every test run of a watch session is a fork of that server, so it starts with
these libraries loaded, and Django set up, instead of doing it again after each
save. Anything that fails here is simply left for the run to do itself.
"""

import gc
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
    "opentelemetry.instrumentation.celery",
]
# After Django's setup: the shop's views and serializers, what the tests import, and the
# watcher's own modules (the run's entry point is kata.practice_watch.run_once).
SHOP = [
    "shop.urls",
    "rest_framework.test",
    "testing.factories",
    "testing.concurrency",
    "testing.crashes",
    "testing.preconditions",
    "testing.urls",
    "kata.variants",
    "kata.summary",
    "kata.practice_watch",
]

for name in LIBRARIES:
    with suppress(Exception):
        importlib.import_module(name)

# The environment and settings a test run gets (testing/environment.py; --ds in
# pyproject.toml), with the watch session's own DATABASE_URL, so that Django's setup
# here is the one each run would do.
with suppress(Exception):
    from testing.environment import set_environment

    set_environment()
os.environ["DJANGO_SETTINGS_MODULE"] = "testing.settings"
with suppress(Exception):
    import django
    from django.conf import settings
    from django.utils.module_loading import import_string

    django.setup()
    for name in SHOP:
        importlib.import_module(name)
    # What the first request and the first factory load in each run: the middleware, and
    # Faker's providers (factory-boy's; faker's pytest plugin makes one Faker per session).
    for path in settings.MIDDLEWARE:
        import_string(path)
    import faker

    faker.Faker()

# Everything above lives as long as the server: out of the garbage collector's sight, so a
# run's collections neither walk it nor copy its pages (the gc.freeze() docs' advice for
# processes that fork).
gc.freeze()
