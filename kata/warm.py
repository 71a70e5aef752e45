"""What the practice watcher's fork server imports once (``kata/practice_watch.py``).

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
SHOP = ["shop.urls", "rest_framework.test", "testing.factories"]

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

    django.setup()
    for name in SHOP:
        importlib.import_module(name)
