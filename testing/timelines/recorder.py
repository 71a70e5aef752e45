"""The recorder: while a test runs, each scene's lanes (a thread each, with its own database
connection), their statements, COMMITs and ROLLBACKs with their times, the waits the harness
saw and its sync points. A scene is one run of the harness (``run_concurrently``, ...)."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.apps import apps
from django.db import connections

from testing.timelines.recorded import Event, Scene, Sync

SQL_KEPT = 2000  # characters of a statement kept: enough to say what it did
PARAMS_KEPT = 50


class Recording:
    """Every scene of one test."""

    def __init__(self) -> None:
        self.scenes: list[Scene] = []
        self.current: Scene | None = None
        self.lock = threading.Lock()
        self.lanes: dict[str, Lane] = {}  # of the current scene, by name


_recording: Recording | None = None
_here = threading.local()  # .lane: the lane the current thread records into


def start() -> Recording:
    """Record from now on (the plugin calls it around each test)."""
    global _recording
    _recording = Recording()
    return _recording


def stop() -> Recording | None:
    """Stop recording; what was recorded, each scene's tables named."""
    global _recording
    recording, _recording = _recording, None
    if recording is not None:
        for each in recording.scenes:
            each.nouns = nouns_of(each)
    return recording


def nouns_of(scene: Scene) -> dict[str, list[str]]:
    """What the scene's tables are called: for one row and for several, as their models say
    (``verbose_name``, ``verbose_name_plural``): "SKU" where the SQL says "products_sku"."""
    sql = "\n".join(event.sql for event in scene.events)
    return {
        meta.db_table: [str(meta.verbose_name), str(meta.verbose_name_plural)]
        for meta in (model._meta for model in apps.get_models(include_auto_created=True))
        if f'"{meta.db_table}"' in sql
    }


# --- What the harness calls; each does nothing when nothing records -----------------------------


@contextmanager
def scene(title: str) -> Iterator[None]:
    """Record what the lanes started inside this block do."""
    recording = _recording
    if recording is None:
        yield
        return
    with recording.lock:
        outer = recording.current, recording.lanes
        recording.current = Scene(title)
        recording.scenes.append(recording.current)
        recording.lanes = {}
    try:
        yield
    finally:
        recording.current, recording.lanes = outer  # a scene a test opened around a run


@contextmanager
def lane(name: str) -> Iterator[None]:
    """Record this thread's statements as the lane ``name``.

    Enter it after any execute wrapper of the harness, so that the recorder's is
    the innermost (Django runs the last one appended closest to the database).
    """
    recording = _recording
    current = recording.current if recording else None
    if current is None:
        yield
        return
    with recording.lock:
        unique, n = name, 2
        while unique in current.lanes:
            unique, n = f"{name} ({n})", n + 1
        current.lanes.append(unique)
        here = Lane(recording, current, unique)
        recording.lanes[unique] = here
    db = connections["default"]
    db.execute_wrappers.append(here.record_statement)
    # COMMIT and ROLLBACK go through no execute wrapper: wrap the connection's own.
    db._commit = here.record_transaction_end("commit", db._commit)
    db._rollback = here.record_transaction_end("rollback", db._rollback)
    _here.lane = here
    try:
        yield
    finally:
        _here.lane = None
        db.execute_wrappers.remove(here.record_statement)
        del db._commit, db._rollback  # the instance's: the class's methods show through again


def hold() -> None:
    """The harness holds this thread now (it arrived at a rendezvous)."""
    here = getattr(_here, "lane", None)
    if here is not None:
        now = here.scene.now()
        here.append(Event(here.name, "hold", start=now, end=now))


def sync(label: str) -> None:
    """A moment the harness orders the lanes around: what started before it, came before it."""
    recording = _recording
    current = recording.current if recording else None
    if current is not None:
        with recording.lock:
            current.syncs.append(Sync(current.now(), label))


def saw_waiting(pids: list[int]) -> None:
    """The harness saw these backends blocked on a lock: mark the statement each is sending."""
    recording = _recording
    if recording is None or recording.current is None or not pids:
        return
    with recording.lock:
        for here in recording.lanes.values():
            if here.pid in pids and here.sending is not None:
                here.sending.waited = True


# --- One lane ----------------------------------------------------------------------------------


class Lane:
    def __init__(self, recording: Recording, scene: Scene, name: str) -> None:
        self.recording, self.scene, self.name = recording, scene, name
        self.pid: int | None = None
        self.sending: Event | None = None  # the statement on its way, if any

    def append(self, event: Event) -> None:
        with self.recording.lock:
            self.scene.events.append(event)

    def record_statement(self, execute, sql, params, many, context):
        db = context["connection"]
        if self.pid is None:
            self.pid = getattr(getattr(db.connection, "info", None), "backend_pid", None)
            with self.recording.lock:
                self.scene.pids[self.name] = self.pid
        event = Event(
            self.name,
            "sql",
            start=self.scene.now(),
            sql=sql[:SQL_KEPT],
            params=[] if many or not params else [shown(p) for p in params[:PARAMS_KEPT]],
            autocommit=db.get_autocommit(),
        )
        self.append(event)
        self.sending = event
        try:
            result = execute(sql, params, many, context)
            rows = context["cursor"].rowcount
            event.rows = rows if rows >= 0 else None
            return result
        except Exception as exc:
            event.error = sqlstate(exc) or type(exc).__name__
            if event.error == "40P01":
                self.deadlocked(exc)
            raise
        finally:
            self.sending = None
            event.end = self.scene.now()

    def record_transaction_end(self, kind: str, original):
        def end():
            event = Event(self.name, kind, start=self.scene.now())
            self.append(event)
            try:
                return original()
            except Exception as exc:
                event.error = sqlstate(exc) or type(exc).__name__
                raise
            finally:
                event.end = self.scene.now()

        return end

    def deadlocked(self, exc: BaseException) -> None:
        """PostgreSQL names every backend of the cycle: each was waiting, this one too.

        Which statement of another lane waited is for the shape to find: the error
        released this transaction's locks before it reached Python, so that lane
        may already have moved on.
        """
        detail = getattr(getattr(cause_with_sqlstate(exc), "diag", None), "message_detail", "")
        pids = {int(pid) for pid in re.findall(r"Process (\d+) waits for", detail or "")}
        if self.sending is not None:
            self.sending.waited = True
            self.sending.cycle = sorted(pids - {self.pid})


def shown(value: object) -> str:
    """A parameter as a picture shows it: ``0``, ``'retry-1'`` (psycopg's Int4(0) is an int).

    A time is ``now``: the clock's value would change the picture on every run.
    """
    if isinstance(value, datetime):
        return "now"
    return (repr(value) if isinstance(value, str) else str(value))[:40]


def cause_with_sqlstate(exc: BaseException | None) -> BaseException | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if getattr(exc, "sqlstate", None):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def sqlstate(exc: BaseException) -> str:
    cause = cause_with_sqlstate(exc)
    return cause.sqlstate if cause is not None else ""
