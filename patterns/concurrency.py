"""Forcing the bad interleaving, so a concurrency test gives one verdict every run.

``Rendezvous`` holds every thread that reaches a point (say, just before the
order INSERT) until each of the others has either reached it too or is blocked
on a database lock. Code without locks lets them all arrive: everyone has read
the stock before anyone writes, which is exactly the race. Code with the right
locks lets one in while the rest wait on its lock: the rendezvous sees them
waiting and lets it go at once. No sleeps, no luck.
"""

import threading
import time
from collections.abc import Callable

import psycopg
from django.db import connection, connections

GIVE_UP_AFTER = 20.0  # seconds: a stuck rendezvous is a harness bug, not a verdict


class Rendezvous:
    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.arrived = 0
        self.finished = 0
        self.released = False
        self.condition = threading.Condition()
        params = connections["default"].get_connection_params()
        # Its own autocommit connection: inside a transaction pg_stat_activity is a snapshot.
        self.monitor = psycopg.connect(**params, autocommit=True)

    def arrive(self, **_signal_kwargs) -> None:
        with self.condition:
            self.arrived += 1
            deadline = time.monotonic() + GIVE_UP_AFTER
            while not self.released:
                if self.arrived + self.finished + self.waiting_on_locks() >= self.parties:
                    self.released = True
                    self.condition.notify_all()
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("rendezvous: threads neither arrived nor blocked")
                self.condition.wait(timeout=0.01)  # poll the lock table again

    def finish(self) -> None:
        with self.condition:
            self.finished += 1
            self.condition.notify_all()

    def waiting_on_locks(self) -> int:
        row = self.monitor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
        return row[0]

    def close(self) -> None:
        self.monitor.close()


def run_concurrently(
    calls: list[Callable[[], object]], rendezvous: Rendezvous | None = None
) -> list:
    """Run each call in its own thread (its own connection), started together; their results."""
    results: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            start.wait()
            results[index] = call()
        except BaseException as exc:  # the test reports it, the thread must not swallow it
            results[index] = exc
        finally:
            if rendezvous:
                rendezvous.finish()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def run_meanwhile(
    first: Callable[[], object], *, before: str, meanwhile: Callable[[], object]
) -> tuple[object, object]:
    """Run ``first``; just before it sends SQL containing ``before``, run ``meanwhile``.

    ``meanwhile`` runs in its own thread (its own connection) until it finishes or
    waits on a lock that ``first`` holds; then ``first`` goes on. Code that holds
    the right lock at that point makes ``meanwhile`` wait its turn; code that does
    not lets it finish in the gap, which is exactly the race. Returns both results
    (an exception in place of a result).
    """
    outcome: dict[str, object] = {}
    backend_pid: list[int] = []
    done = threading.Event()

    def other() -> None:
        try:
            connection.ensure_connection()
            backend_pid.append(connection.connection.info.backend_pid)
            outcome["meanwhile"] = meanwhile()
        except BaseException as exc:
            outcome["meanwhile"] = exc
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=other)

    def pause(execute, sql, params, many, context):
        if before in sql and not thread.is_alive() and not done.is_set():
            thread.start()
            wait_until_done_or_blocked(done, backend_pid)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(pause):
        try:
            outcome["first"] = first()
        except BaseException as exc:
            outcome["first"] = exc
    if not thread.is_alive() and not done.is_set():
        raise RuntimeError(f"run_meanwhile: first never sent SQL containing {before!r}")
    thread.join(GIVE_UP_AFTER)
    return outcome["first"], outcome.get("meanwhile")


def wait_until_done_or_blocked(done: threading.Event, backend_pid: list[int]) -> None:
    params = connections["default"].get_connection_params()
    with psycopg.connect(**params, autocommit=True) as monitor:
        deadline = time.monotonic() + GIVE_UP_AFTER
        while not done.wait(timeout=0.005):  # poll the lock table again
            blocked = (
                backend_pid
                and monitor.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'",
                    backend_pid,
                ).fetchone()
            )
            if blocked:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("run_meanwhile: the other thread neither finished nor blocked")
