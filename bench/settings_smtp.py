"""The shop's settings for ``queue.py``: mail over SMTP to the benchmark's own mail server."""

import os

from shop.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("BENCH_SMTP_PORT", "25"))
EMAIL_TIMEOUT = 30
LOGGING["loggers"]["shop"]["level"] = "WARNING"  # noqa: F405  (one line per notification)
