"""Forcing the bad interleaving, so a concurrency test gives one verdict every run.

``Rendezvous`` holds every thread of a run at one point (say, just before the
order INSERT) until each of the others has either reached it too, finished, or
is blocked on a database lock. Code without locks lets them all arrive: everyone
has read the stock before anyone writes, which is exactly the race. Code with
the right locks lets one in while the rest wait on its lock: the rendezvous sees
them waiting and lets it go at once. No sleeps, no luck.

    rendezvous = Rendezvous(10).at_signal(pre_save, sender=Order)
    results = run_concurrently(calls, rendezvous)

Only the run's own connections count as lock waiters (their backend pids are
enlisted when the threads start), so another test's or another tool's session
waiting on a lock never releases it early. Each rendezvous connects its own
receiver and disconnects it when the run ends, so a test can use several.

Under the timeline recorder (``testing/timelines``) each run is a scene and each
thread a lane; the harness tells it what only the harness sees: the sessions it
found blocked on a lock, where it held a thread, and when it let them go. With no
recorder running those calls do nothing.
"""

import threading
import time
from collections.abc import Callable
from contextlib import nullcontext

import psycopg
from django.db import connection, connections

from testing import timelines
from testing.preconditions import require

GIVE_UP_AFTER = 20.0  # seconds: a stuck rendezvous is a harness bug, not a verdict


class Rendezvous:
    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.arrived = 0
        self.finished = 0
        self.released = False
        self.pids: set[int] = set()
        self.condition = threading.Condition()
        self.connectors: list[Callable[[], Callable[[], None]]] = []
        self.statement: tuple[str, ...] = ()
        self.monitor: psycopg.Connection | None = None

    # --- Where the threads meet -------------------------------------------------------

    def at_signal(self, signal, sender) -> "Rendezvous":
        """Hold each thread when ``signal`` is sent for ``sender`` (``pre_save`` of ``Order``)."""

        def connect() -> Callable[[], None]:
            # No dispatch_uid: the receiver is this rendezvous' own bound method, so
            # a second rendezvous in the same test connects a receiver of its own.
            signal.connect(self.arrive, sender=sender, weak=False)
            return lambda: signal.disconnect(self.arrive, sender=sender)

        self.connectors.append(connect)
        return self

    def after_first_statement(self, *fragments: str) -> "Rendezvous":
        """Hold each thread once, right after its first SQL statement containing every fragment.

        ``after_first_statement("FOR UPDATE", '"products_sku"')``: between a thread's
        first SKU lock and whatever it locks next.
        """
        self.statement = fragments
        return self

    # --- Used by run_concurrently ----------------------------------------------------------

    def __enter__(self) -> "Rendezvous":
        params = connections["default"].get_connection_params()
        # Its own autocommit connection: inside a transaction pg_stat_activity is a snapshot.
        self.monitor = psycopg.connect(**params, autocommit=True)
        self.disconnectors = [connect() for connect in self.connectors]
        return self

    def __exit__(self, *exc_info) -> None:
        for disconnect in self.disconnectors:
            disconnect()
        if self.monitor is not None:
            self.monitor.close()

    def enlist(self, pid: int) -> None:
        """Count the connection with backend ``pid`` as one of the run's."""
        with self.condition:
            self.pids.add(pid)

    def statement_hook(self):
        """A Django execute wrapper (one per thread) that arrives after the first matching statement."""
        arrived = False

        def arrive_after_first(execute, sql, params, many, context):
            nonlocal arrived
            result = execute(sql, params, many, context)
            if not arrived and all(fragment in sql for fragment in self.statement):
                arrived = True
                self.arrive()
            return result

        return arrive_after_first

    # --- The rendezvous itself --------------------------------------------------------------

    def arrive(self, **_signal_kwargs) -> None:
        with self.condition:
            self.arrived += 1
            if not self.released:
                timelines.hold()
            deadline = time.monotonic() + GIVE_UP_AFTER
            while not self.released:
                waiting = self.waiting_on_locks()
                if self.arrived + self.finished + waiting >= self.parties:
                    self.released = True
                    timelines.sync(self.release_note(waiting))
                    self.condition.notify_all()
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("rendezvous: threads neither arrived nor blocked")
                self.condition.wait(timeout=0.01)  # poll the lock table again

    def release_note(self, waiting: int) -> str:
        held = (
            f"all {self.arrived} held" if self.arrived == self.parties else f"{self.arrived} held"
        )
        parts = [held] + [
            f"{n} {what}" for n, what in [(self.finished, "done"), (waiting, "wait on a lock")] if n
        ]
        return f"rendezvous lets go: {', '.join(parts)}"

    def finish(self) -> None:
        with self.condition:
            self.finished += 1
            self.condition.notify_all()

    def waiting_on_locks(self) -> int:
        """How many of the run's own connections are blocked on a lock right now."""
        if not self.pids:
            return 0
        rows = self.monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s) AND wait_event_type = 'Lock'",
            [list(self.pids)],
        ).fetchall()
        timelines.saw_waiting([pid for (pid,) in rows])
        return len(rows)


def run_concurrently(
    calls: list[Callable[[], object]],
    rendezvous: Rendezvous | None = None,
    *,
    lanes: str = "thread",
) -> list:
    """Run each call in its own thread (its own connection), started together; their results.

    A call that raises gives its exception as its result, for the test to judge;
    a harness failure in a thread (``pytest.fail``, a stuck rendezvous) fails the
    test. With a rendezvous, at least one thread must have reached it: otherwise
    the interleaving was never forced, and no verdict can be trusted. ``lanes``
    names the threads in a timeline ("buyer" makes buyer 1, buyer 2, ...).
    """
    results: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index: int, call: Callable[[], object]) -> None:
        hook = rendezvous.statement_hook() if rendezvous and rendezvous.statement else None
        try:
            # The recorder's lane goes inside the hook: its wrapper is then the innermost.
            with (
                connection.execute_wrapper(hook) if hook else nullcontext(),
                timelines.lane(f"{lanes} {index + 1}"),
            ):
                if rendezvous:
                    connection.ensure_connection()
                    rendezvous.enlist(connection.connection.info.backend_pid)
                start.wait()
                results[index] = call()
        except BaseException as exc:  # the test reports it, the thread must not swallow it
            results[index] = exc
        finally:
            if rendezvous:
                rendezvous.finish()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    if rendezvous:
        rendezvous.__enter__()
    try:
        with timelines.scene(f"{len(calls)} {lanes}s at once"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        if rendezvous:
            rendezvous.__exit__(None, None, None)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Exception):
            raise result  # pytest.fail and its kind: the harness, not the code under test
        if isinstance(result, RuntimeError) and str(result).startswith("rendezvous:"):
            raise result
    if rendezvous:
        require(rendezvous.arrived, "no thread reached the rendezvous: the race was not forced")
    return results


def run_meanwhile(
    first: Callable[[], object],
    *,
    before: str,
    meanwhile: Callable[[], object],
    lanes: tuple[str, str] = ("first", "meanwhile"),
) -> tuple[object, object]:
    """Run ``first``; just before it sends SQL containing ``before``, run ``meanwhile``.

    ``meanwhile`` runs in its own thread (its own connection) until it finishes or
    waits on a lock that ``first`` holds; then ``first`` goes on. Code that holds
    the right lock at that point makes ``meanwhile`` wait its turn; code that does
    not lets it finish in the gap, which is exactly the race. Returns both results
    (an exception in place of a result). ``lanes`` names the two in a timeline.
    """
    outcome: dict[str, object] = {}
    backend_pid: list[int] = []
    done = threading.Event()

    def other() -> None:
        try:
            with timelines.lane(lanes[1]):
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
            timelines.sync(f"{lanes[0]} pauses before {before}; {lanes[1]} runs")
            thread.start()
            blocked = wait_until_done_or_blocked(done, backend_pid)
            timelines.sync(
                f"{lanes[0]} goes on: {lanes[1]} {'waits on a lock' if blocked else 'is done'}"
            )
        return execute(sql, params, many, context)

    with timelines.scene(f"{lanes[1]} during {lanes[0]}"):
        with connection.execute_wrapper(pause), timelines.lane(lanes[0]):
            try:
                outcome["first"] = first()
            except BaseException as exc:
                outcome["first"] = exc
        if thread.ident is not None:  # started: meanwhile's last statements belong to the scene
            thread.join(GIVE_UP_AFTER)
    if thread.ident is None:
        raise RuntimeError(f"run_meanwhile: first never sent SQL containing {before!r}")
    return outcome["first"], outcome.get("meanwhile")


def wait_until_done_or_blocked(done: threading.Event, backend_pid: list[int]) -> bool:
    """Wait until the other thread is done (False) or blocked on a lock (True)."""
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
                timelines.saw_waiting(backend_pid)
                return True
            if time.monotonic() > deadline:
                raise RuntimeError("run_meanwhile: the other thread neither finished nor blocked")
    return False
