"""gunicorn's settings for the shop: ``gunicorn shop.wsgi:application`` reads this file.

gunicorn loads ``./gunicorn.conf.py`` by itself when started from the repository
root; command-line flags (and ``GUNICORN_CMD_ARGS``) override what is set here.
Before the first start: ``python manage.py collectstatic --noinput`` (WhiteNoise
then serves ``/static/`` from ``staticfiles/``).

- ``GUNICORN_WORKERS`` (or ``WEB_CONCURRENCY``, the name gunicorn and most
  platforms use): worker processes; default 2 x cores + 1, gunicorn's advice.
- ``GUNICORN_THREADS``: threads per worker; default 1, the sync worker. More than
  one selects gunicorn's threaded worker, and each thread holds its own database
  connection (DATABASE_CONN_MAX_AGE), so workers x threads connections in all.
- ``GUNICORN_BIND``: default ``127.0.0.1:8000``, or ``0.0.0.0:$PORT`` when ``PORT`` is set.
"""

import multiprocessing
import os

workers = int(
    os.environ.get("GUNICORN_WORKERS")
    or os.environ.get("WEB_CONCURRENCY")
    or 2 * multiprocessing.cpu_count() + 1
)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
bind = os.environ.get("GUNICORN_BIND") or (
    f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
)
wsgi_app = "shop.wsgi:application"


def post_fork(server, worker) -> None:
    """Set up OpenTelemetry in each worker, before it loads the application.

    A tracer provider's exporter runs on a background thread, and threads do not
    survive ``fork``: each worker starts its own, here. Django's request spans need
    this to happen before the WSGI handler reads MIDDLEWARE (pattern 05); the
    worker loads ``shop.wsgi`` right after this hook. With ``--preload`` the master
    has set it up already; then this is a no-op and the SDK's own at-fork hook
    restarts the exporter thread in the worker.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    from shop.core.telemetry import configure_opentelemetry

    configure_opentelemetry()
