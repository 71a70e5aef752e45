"""From a recording to its shape: the statements that matter, and the order the test forces.

A recording has milliseconds, backend pids and threads numbered as they happened
to start; none of that is the same twice. Its *shape* is: the lanes, the steps
that matter in each (a lock, a read of what another lane writes, a write, COMMIT,
ROLLBACK, an error such as a deadlock, the harness holding a thread), which of
them waited on a lock, and the order the harness and the locks force on them.

That order is a partial order, built from facts that hold on every run:

- each lane's steps in the order it sent them;
- a sync point (a rendezvous letting go, a pause ending) comes after every step
  that started before it and before every step that started after it;
- a wait ends after the COMMIT or ROLLBACK of the lane it waited for (the lane
  whose transaction ended last before the wait did).

Each step goes on the first row its predecessors allow (its longest path from
the start), so steps the test does not order share a row. Lanes of one kind
(buyer 1, buyer 2, ...) are numbered by what they did, not by which thread
started first. Two runs of the same code give the same shape; the SVG in a
README is drawn from the shape alone, and CI compares it.
"""

import re
from dataclasses import dataclass, field
from itertools import pairwise

from testing.timelines.recorder import Event, Scene

# What to call a table in a picture; other tables lose their app's prefix.
NOUNS = {
    "carts_cart": "cart",
    "carts_cartitem": "cart lines",
    "products_product": "product",
    "products_sku": "SKU",
    "orders_order": "order",
    "orders_orderitem": "order items",
    "core_outboxmessage": "outbox message",
    "users_user": "user",
}
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


@dataclass
class Cell:
    """A step (or a sync point) placed on a row, in a lane, as drawn."""

    lane: int | None  # index into Shape.lanes; None for a sync point across every lane
    kind: str  # read, lock, write, commit, rollback, hold, wait, granted, error, sync
    label: str


@dataclass
class Shape:
    lanes: list[str]
    rows: list[list[Cell]]
    waits: list[tuple[int, int, int]] = field(default_factory=list)  # lane, from row, to row
    arrows: list[tuple[int, int, int, int]] = field(default_factory=list)  # row, lane -> row, lane
    # Not part of the shape: the recording's own names and steps, for the terminal.
    names: dict[str, str] = field(default_factory=dict, repr=False)
    steps: list["Step"] = field(default_factory=list, repr=False)

    def text(self) -> str:
        """The shape in words, one row a line: what CI compares, and a README's alt text."""
        lines = ["lanes: " + ", ".join(self.lanes)]
        for number, row in enumerate(self.rows, 1):
            if row and row[0].lane is None:
                lines.append(f"{number:>2} -- {row[0].label}")
            else:
                lines.append(
                    f"{number:>2} " + "; ".join(f"{self.lanes[c.lane]}: {c.label}" for c in row)
                )
        for from_row, from_lane, to_row, to_lane in self.arrows:
            lines.append(
                f"{self.lanes[to_lane]}'s wait (row {to_row + 1}) ended with "
                f"{self.lanes[from_lane]}'s transaction (row {from_row + 1})"
            )
        return "\n".join(lines)


@dataclass
class Recorded:
    """One test's recording, for one variant: what the plugin saves and the renderers read."""

    test: str
    variant: str
    outcome: str  # passes or fails
    scenes: list[Scene]
    line: int = 0  # where the test is written, to show tests in that order

    def to_json(self) -> dict:
        return {
            "test": self.test,
            "variant": self.variant,
            "outcome": self.outcome,
            "scenes": [s.to_json() for s in self.scenes],
            "line": self.line,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Recorded":
        return cls(
            data["test"],
            data["variant"],
            data["outcome"],
            [Scene.from_json(s) for s in data["scenes"]],
            data.get("line", 0),
        )


def variant_of(item) -> str:
    from kata import roles

    return roles.variant_of(item) or roles.SHOP


# --- The steps that matter ------------------------------------------------------------------------


def tables_in(sql: str) -> list[str]:
    return re.findall(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"(\w+)"', sql)


def noun(table: str) -> str:
    return NOUNS.get(table) or table.split("_", 1)[-1].replace("_", " ")


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
    event: Event, written_in_scene: set[str], updated: dict[str, set[str]]
) -> tuple[str, str] | None:
    """(kind, label) for a statement that matters, or None."""
    sql = event.sql
    verb = sql.lstrip().split(" ", 1)[0].upper()
    tables = tables_in(sql)
    if verb == "SELECT" and LOCKING.search(sql):
        of = re.search(r'\bOF\s+"(\w+)"', sql)
        return "lock", f"lock {noun(of.group(1) if of else tables[0])}"
    if verb == "SELECT":
        contested = [t for t in tables if t in written_in_scene]
        if not contested:
            return None
        # A read of a column another statement updates is about that column: "read stock".
        for table in contested:
            for column in sorted(updated.get(table, ())):
                if f'"{table}"."{column}"' in sql:
                    return "read", f"read {column}"
        return "read", f"read {noun(contested[0])}"
    if verb in ("INSERT", "DELETE") and tables:
        return "write", f"{verb.lower()} {noun(tables[0])}"
    if verb == "UPDATE" and tables:
        label = f"update {noun(tables[0])}"
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
            described = describe(event, writes, updated)
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


# --- The order the test forces ---------------------------------------------------------------------


@dataclass
class Node:
    step: Step | None  # None: a sync point
    part: str  # "start", "end" (of a wait) or "sync"
    time: float
    label: str
    lane: str | None
    after: list["Node"] = field(default_factory=list)
    level: int = 0
    ends_at: float | None = None  # when it ended its lane's transaction (its locks went), if it did
    blocker: "Node | None" = None  # for the end of a wait: the node that ended it


def shape_of(scene: Scene) -> Shape:
    steps = steps_of(scene)
    nodes: list[Node] = []
    by_lane: dict[str, list[Node]] = {}
    for step in steps:
        start = Node(step, "start", step.start, step.label, step.lane)
        lane_nodes = by_lane.setdefault(step.lane, [])
        after_error = bool(lane_nodes) and bool(lane_nodes[-1].step.error)
        if (
            step.kind == "commit"
            or "(autocommit)" in step.label
            or (step.kind == "rollback" and not after_error)
        ):
            start.ends_at = step.start
        lane_nodes.append(start)
        if step.waited:
            start.label = f"{step.label} (waits)"
            end = Node(step, "end", step.end, step.failed or "granted", step.lane)
            lane_nodes.append(end)
        else:
            end = start
            if step.error:
                start.label = step.failed
        if step.error:  # PostgreSQL aborts the transaction at the error: its locks go then
            end.ends_at = step.end
    for lane_nodes in by_lane.values():
        for before, after in pairwise(lane_nodes):
            after.after.append(before)
        nodes += lane_nodes

    # A wait ends after the transaction it waited for: the last to end before it did.
    ends = [n for n in nodes if n.ends_at is not None]
    for node in nodes:
        if node.part == "end" and not node.step.error:
            candidates = [e for e in ends if e.lane != node.lane and e.ends_at < node.time]
            if node.step.ended_by:
                candidates = [e for e in ends if e.lane == node.step.ended_by and e.step.error]
            if candidates:
                blocker = max(candidates, key=lambda e: e.ends_at)
                node.after.append(blocker)
                node.blocker, node.step.blocker = blocker, blocker.step
    # A constraint fails against a row another lane wrote: after that write.
    for node in nodes:
        table = node.step and node.step.error.startswith("23") and node.step.table
        if table and (node.part == "end" or not node.step.waited):
            writers = [
                n for n in nodes
                if n.lane != node.lane and n.part == "start" and n.step.table == table
                and n.step.kind == "write" and n.time < node.step.end
            ]  # fmt: skip
            if writers:
                node.after.append(max(writers, key=lambda n: n.time))

    previous = None
    for sync in sorted(scene.syncs, key=lambda s: s.time):
        point = Node(None, "sync", sync.time, sync.label, None)
        if previous is not None:
            point.after.append(previous)
        for lane_nodes in by_lane.values():
            earlier = [n for n in lane_nodes if n.time < sync.time]
            later = [n for n in lane_nodes if n.time > sync.time]
            if earlier:
                point.after.append(earlier[-1])
            if later:
                later[0].after.append(point)
        nodes.append(point)
        previous = point

    place(nodes)
    return layout(scene, nodes)


def place(nodes: list[Node]) -> None:
    """Each node one row below the lowest of the nodes it comes after (its longest path)."""
    done: set[int] = set()

    def level(node: Node, visiting: frozenset = frozenset()) -> int:
        if id(node) in done:
            return node.level
        if id(node) in visiting:  # a cycle would be a recorder bug: keep drawing
            return 0
        inner = visiting | {id(node)}
        node.level = 1 + max((level(n, inner) for n in node.after), default=-1)
        done.add(id(node))
        return node.level

    for node in nodes:
        level(node)


def layout(scene: Scene, nodes: list[Node]) -> Shape:
    lanes = canonical_lanes(scene, nodes)
    index = {lane: i for i, lane in enumerate(lanes)}
    levels = sorted({n.level for n in nodes})
    row_of = {level: row for row, level in enumerate(levels)}
    rows: list[list[Cell]] = [[] for _ in levels]
    names = [lanes[lane] for lane in lanes]
    for node in sorted(nodes, key=lambda n: (n.level, index.get(n.lane, -1))):
        if node.lane is None:
            rows[row_of[node.level]].append(Cell(None, "sync", node.label))
            continue
        kind = node.step.kind
        if node.part == "end":
            kind = "error" if node.step.error else "granted"
        elif node.step.waited:
            kind = "wait"
        elif node.step.error:
            kind = "error"
        rows[row_of[node.level]].append(Cell(index[node.lane], kind, node.label))
    shape = Shape(
        lanes=names, rows=rows, names=lanes, steps=[n.step for n in nodes if n.part == "start"]
    )
    starts = {id(n.step): n for n in nodes if n.part == "start"}
    for node in nodes:
        if node.part == "end":
            start = starts[id(node.step)]
            lane = index[node.lane]
            shape.waits.append((lane, row_of[start.level], row_of[node.level]))
            if node.blocker is not None:
                blocker = node.blocker
                shape.arrows.append(
                    (row_of[blocker.level], index[blocker.lane], row_of[node.level], lane)
                )
    shape.waits.sort()
    shape.arrows.sort()
    return shape


def canonical_lanes(scene: Scene, nodes: list[Node]) -> dict[str, str]:
    """Recorded lane name -> the name drawn, in the order drawn.

    Lanes of one kind ("buyer 3", "buyer 7") are ordered by what they did (the rows
    and labels of their steps) and numbered in that order, so the buyer that got the
    lock first is buyer 1 on every run.
    """
    signature: dict[str, tuple] = {}
    for node in nodes:
        if node.lane is not None:
            signature.setdefault(node.lane, ())
            signature[node.lane] += ((node.level, node.label),)
    kinds: dict[str, list[str]] = {}
    for lane in scene.lanes:
        if lane in signature:
            kinds.setdefault(re.sub(r" \d+$", "", lane), []).append(lane)
    names: dict[str, str] = {}
    for kind, members in kinds.items():
        numbered = any(re.search(r" \d+$", lane) for lane in members)
        for n, lane in enumerate(sorted(members, key=lambda lane: signature[lane]), 1):
            names[lane] = f"{kind} {n}" if numbered else lane
    return names
