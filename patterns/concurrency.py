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
