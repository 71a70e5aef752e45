"""From a recording to the steps that matter: per lane, a lock, a read of what another lane
writes, a write, COMMIT, ROLLBACK, an error such as a deadlock, the harness holding a thread."""

import re
from dataclasses import dataclass

from testing.timelines.recorded import Event, Scene

ERRORS = {
    "40P01": "deadlock",
    "23505": "unique violation",
    "23503": "foreign key violation",
    "23514": "check violation",
    "55P03": "lock not available",
    "40001": "serialization failure",
}
LOCKING = re.compile(r"\bFOR (?:NO KEY )?UPDATE|\bFOR (?:KEY )?SHARE")


@dataclass
class Step:
    """One thing a lane did that matters, as a picture shows it."""

    lane: str
    kind: str  # read, lock, write, commit, rollback, hold
    label: str
    start: float
    end: float
    waited: bool = False
    error: str = ""
    table: str = ""  # the table it writes (the first, when folded)
    ended_by: str = ""  # a deadlock's survivor: the lane whose failure let it go
    blocker: "Step | None" = None  # for a wait: the step that ended the transaction it waited for

    @property
    def failed(self) -> str:
        return f"{self.label} ✗ {ERRORS.get(self.error, self.error)}" if self.error else ""


def tables_in(sql: str) -> list[str]:
    return re.findall(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"(\w+)"', sql)


def noun(table: str, nouns: dict[str, list[str]], rows: int | None) -> str:
    """What a picture calls a table a statement touched: as the recording names it, for one
    row or for any other number ("SKU", "SKUs"); else its name without the app's prefix."""
    one, several = nouns.get(table) or [table.split("_", 1)[-1].replace("_", " ")] * 2
    return one if rows in (1, None) else several


def written(event: Event) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes, else None."""
    verb = event.sql.lstrip().split(" ", 1)[0].upper()
    if verb in ("INSERT", "UPDATE", "DELETE"):
        tables = tables_in(event.sql)
        return tables[0] if tables else None
    return None


def param(event: Event, sql_before: str) -> str:
    index = sql_before.count("%s") - 1
    return event.params[index] if 0 <= index < len(event.params) else "?"


def updated_columns(event: Event) -> list[str]:
    """The columns an UPDATE sets (``SET "stock" = ...``), not those its CASE compares."""
    return re.findall(r'(?:\bSET|,)\s*"(\w+)" =', event.sql)


def describe(
    event: Event,
    written_in_scene: set[str],
    updated: dict[str, set[str]],
    nouns: dict[str, list[str]],
) -> tuple[str, str] | None:
    """(kind, label) for a statement that matters, or None."""
    sql = event.sql

    def name(table: str) -> str:
        return noun(table, nouns, event.rows)

    verb = sql.lstrip().split(" ", 1)[0].upper()
    tables = tables_in(sql)
    if verb == "SELECT" and LOCKING.search(sql):
        of = re.search(r'\bOF\s+"(\w+)"', sql)
        return "lock", f"lock {name(of.group(1) if of else tables[0])}"
    if verb == "SELECT":
        contested = [t for t in tables if t in written_in_scene]
        if not contested:
            return None
        # A read of a column another statement updates is about that column: "read stock".
        for table in contested:
            for column in sorted(updated.get(table, ())):
                if f'"{table}"."{column}"' in sql:
                    return "read", f"read {column}"
        return "read", f"read {name(contested[0])}"
    if verb in ("INSERT", "DELETE") and tables:
        return "write", f"{verb.lower()} {name(tables[0])}"
    if verb == "UPDATE" and tables:
        label = f"update {name(tables[0])}"
        if match := re.search(r'SET "(\w+)" = %s', sql):
            return "write", f"{label}: {match.group(1)} = {param(event, sql[: match.end()])}"
        if match := re.search(r'"(\w+)" - %s', sql):
            column, amount = match.group(1), param(event, sql[: match.end()])
            return "write", f"{label}: {column} = {column} - {amount}"
        return "write", label
    if sql.lstrip().upper().startswith("ROLLBACK TO SAVEPOINT"):
        return "rollback", "rollback to savepoint"
    return None


def steps_of(scene: Scene) -> list[Step]:
    """Each lane's steps that matter, in the order they started, folded where they read as one.

    A read matters when it reads a table the scene writes; a write, a lock, COMMIT
    and ROLLBACK always do; any statement that failed does.
    """
    survivors = deadlock_survivors(scene)
    writes = {table for e in scene.events if e.kind == "sql" and (table := written(e))}
    updated: dict[str, set[str]] = {}
    for event in scene.events:
        if event.kind == "sql" and event.sql.lstrip().upper().startswith("UPDATE"):
            updated.setdefault(written(event), set()).update(updated_columns(event))
    # A lane's story ends at its COMMIT: what it does next (the after-commit side effects,
    # such as an email delivered in-process) races with nothing the test forces.
    committed: dict[str, float] = {}
    for e in sorted(scene.events, key=lambda e: e.start):
        if e.kind == "commit" and not e.error:
            committed.setdefault(e.lane, e.start)
    steps = []
    for event in sorted(scene.events, key=lambda e: e.start):
        if event.start > committed.get(event.lane, event.start):
            continue
        end = event.end if event.end is not None else event.start
        if event.kind == "hold":
            kind, label = "hold", "held"
        elif event.kind in ("commit", "rollback"):
            kind, label = event.kind, event.kind.upper()
        else:
            described = describe(event, writes, updated, scene.nouns)
            if described is None and not event.error:
                continue
            verb = event.sql.lstrip().split(" ", 1)[0].lower()
            kind, label = described or ("write", verb)
            if event.autocommit and kind == "write":
                label += " (autocommit)"
        table = written(event) or "" if event.kind == "sql" else ""
        steps.append(
            Step(event.lane, kind, label, event.start, end, event.waited, event.error, table)
        )
        steps[-1].ended_by = survivors.get(id(event), "")
    return fold(steps, [s.time for s in scene.syncs])


def deadlock_survivors(scene: Scene) -> dict[int, str]:
    """The other lanes of a deadlock waited too, until the victim's error let them go.

    Their waiting statement is the one that overlaps the victim's wait the longest
    (the detector ran after deadlock_timeout; their other statements are short).
    Returns id(statement) -> the victim's lane: the clock cannot tell which came
    first, the victim's error reaching Python or the survivor's lock.
    """
    lanes = {pid: lane for lane, pid in scene.pids.items()}
    survivors = {}
    for victim in [e for e in scene.events if e.cycle]:
        for pid in victim.cycle:
            theirs = [e for e in scene.events if e.lane == lanes.get(pid) and e.kind == "sql"]

            def overlap(e: Event, victim: Event = victim) -> float:
                return min(e.end or e.start, victim.end) - max(e.start, victim.start)

            if theirs:
                survivor = max(theirs, key=overlap)
                survivor.waited = True
                survivors[id(survivor)] = victim.lane
    return survivors


def fold(steps: list[Step], syncs: list[float]) -> list[Step]:
    """Consecutive inserts of one lane read as one step; so does one read made twice.

    Within the lane only: whether another lane's step fell in between is the clock's
    doing, and would make the shape differ from run to run.
    """
    folded: list[Step] = []
    last: dict[str, Step] = {}
    for step in steps:
        before = last.get(step.lane)
        plain = not (step.waited or step.error)
        if (
            before is not None
            and plain
            and not (before.waited or before.error)
            and not any(before.end <= t <= step.start for t in syncs)
        ):
            if step.label.startswith("insert ") and before.label.startswith("insert "):
                auto = " (autocommit)"
                nouns = before.label.removesuffix(auto) + ", " + step.label.removesuffix(auto)[7:]
                before.label = nouns + (auto if step.label.endswith(auto) else "")
                before.end = step.end
                continue
            if step.label == re.sub(r" x\d+$", "", before.label):
                times = int(m.group(1)) if (m := re.search(r" x(\d+)$", before.label)) else 1
                before.label = f"{step.label} x{times + 1}"
                before.end = step.end
                continue
        folded.append(step)
        last[step.lane] = step
    return folded
