"""The shop's own Celery app on a real broker, and a real worker for it.

- ``celery_on_broker(url)``: the shop's app (its settings: ``acks_late``, retries,
  the tracing of tasks) sending its tasks to that broker for the duration, instead
  of running them in the process that queues them (``task_always_eager``, the
  default without ``CELERY_BROKER_URL``);
- ``worker_thread(app)``: a worker consuming from it, in a thread of this process
  (``celery.contrib.testing``), so it shares the caller's database and monkeypatches.
"""

from contextlib import contextmanager


def forget_connections(app) -> None:
    """Close the pooled broker connections, made for the broker the app had before.

    kombu keeps its pools in a registry of its own, so the app's references go too.
    """
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_on_broker(url: str, **conf):
    """The shop's Celery app sending its tasks to ``url`` (not running them in-process)."""
    from shop.celery import app

    changes = {"broker_url": url, "task_always_eager": False, **conf}
    saved = {name: app.conf[name] for name in changes}
    app.conf.update(changes)
    forget_connections(app)
    try:
        yield app
    finally:
        forget_connections(app)
        app.conf.update(saved)


@contextmanager
def worker_thread(app):
    """A real worker for ``app`` in a thread: one task at a time, as a solo-pool worker runs.

    Its consumer's blocking poll of the broker returns every 0.1 s instead of every
    second (``polling_interval``; a message still arrives at once): stopping the worker
    waits for the poll in flight, so the block ends without that wait.
    """
    from celery.contrib.testing.worker import start_worker

    saved = app.conf.broker_transport_options
    app.conf.broker_transport_options = {**saved, "polling_interval": 0.1}
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30
        ) as worker:
            yield worker
    finally:
        app.conf.broker_transport_options = saved
