"""The shop's settings for a test run (``--ds=testing.settings`` in pyproject.toml).

Production's own (``shop/settings.py``, debug off, read from the environment that
``testing/environment.py`` completes), changed only where the suite needs it to be fast
or to run without a build step.
"""

import os

from shop.settings import *  # noqa: F403

# Real hashing costs ~100 ms a password; the tests are about behaviour, not cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# No collectstatic before the suite: pages link static files by their plain names
# (the hashed names need collectstatic's manifest), and WhiteNoise looks files up
# when asked instead of scanning a STATIC_ROOT that does not exist. The production
# path (collectstatic, hashed names, gunicorn, debug off) is tests/serving's.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# Runs that share one PostgreSQL at the same time (kata/readmes.py runs two patterns at
# once) each name their test database; None is Django's own, "test_" and the name.
DATABASES["default"]["TEST"] = {  # noqa: F405
    **DATABASES["default"].get("TEST", {}),  # noqa: F405
    "NAME": os.environ.get("KATA_TEST_DATABASE"),
}
