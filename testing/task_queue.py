"""Waiting on a real task queue in a test: which tasks were queued, and which finished.

The suite runs without a broker, as the demo does: tasks run in the process that
queues them. The tests of the queue itself put the shop's app on a throwaway Redis
(the ``redis_broker`` fixture, ``servers.celery``) with a worker; ``TaskLedger``
tells them when the queue is idle, a bounded wait on a condition, never a sleep.
"""

import threading
from collections import Counter

import pytest
from celery import signals

GIVE_UP_AFTER = 30.0  # seconds: a queue that never goes idle is a harness bug, not a verdict


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
