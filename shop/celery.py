"""The shop's Celery app: ``celery -A shop worker`` and ``celery -A shop beat``.

Configured from the ``CELERY_*`` settings; tasks are found in each app's ``tasks.py``.
Without a broker, tasks run in the process that queues them: README.md, "Running it on
more than one machine".
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def start_with_a_broker_and_tracing(sender=None, **kwargs) -> None:
    """A worker or beat process: it needs a broker, and traces like the web process."""
    if sender is not None and getattr(sender, "app", app).conf.task_always_eager:
        # SystemExit: Celery logs and swallows any Exception a signal receiver raises.
        raise SystemExit(
            "CELERY_BROKER_URL is not set, so tasks run in the web process and there is "
            "nothing for a worker or beat to do. Set CELERY_BROKER_URL=redis://… to use workers."
        )
    from shop.core.telemetry import configure_opentelemetry

    # Before the pool forks: the SDK restarts its exporter thread in each child.
    configure_opentelemetry()
