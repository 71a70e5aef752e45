"""The shop's settings for a Celery worker that a test kills (tests/faults/test_worker_killed.py).

Mail goes over SMTP to the test's own server. And for a test of a worker lost whole
(``TEST_VISIBILITY_TIMEOUT=1``), Redis gives an unacknowledged task back after 1 s
instead of 10 minutes, checking every second, so the test waits seconds for the
redelivery; with that, a worker would also redeliver its own task still running, so
the other tests keep production's timeout.

The worker's main process finds a dead pool process when the process's pipe closes,
if the kernel has reaped it by then, and else at its next look at the pool, every 5 s
(``AsynPool.timers``, not a setting). A pool process killed with SIGKILL usually closes
its pipe first, so the worker here looks every 0.2 s: the same check, sooner.
"""

import os

from celery.concurrency.asynpool import AsynPool

from shop.settings import *  # noqa: F403
from shop.settings import CELERY_BROKER_TRANSPORT_OPTIONS

AsynPool.timers = property(lambda pool: {pool.maintain_pool: 0.2})

if "TEST_VISIBILITY_TIMEOUT" in os.environ:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": int(os.environ["TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["TEST_SMTP_PORT"])
EMAIL_TIMEOUT = 60
