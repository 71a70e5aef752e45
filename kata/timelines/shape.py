"""From a recording to its shape: the steps that matter (``steps.py``) in the order the test
forces on them, a row per step and a column per lane; what CI compares and the SVG draws."""

import re
from dataclasses import dataclass, field
from itertools import pairwise

from kata.timelines.steps import Step, steps_of
from testing.timelines.recorded import Scene


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
    """The lanes, the steps that matter in each, which waited on a lock, and their order.

    A recording has milliseconds, backend pids and threads numbered as they happened to
    start; none of that is the same twice. The order the harness and the locks force is
    the same: a partial order, built from facts that hold on every run:

    - each lane's steps in the order it sent them;
    - a sync point (a rendezvous letting go, a pause ending) comes after every step
      that started before it and before every step that started after it;
    - a wait ends after the COMMIT or ROLLBACK of the lane it waited for (the lane
      whose transaction ended last before the wait did).

    Each step goes on the first row its predecessors allow (its longest path from the
    start), so steps the test does not order share a row. Lanes of one kind (buyer 1,
    buyer 2, ...) are numbered by what they did, not by which thread started first. Two
    runs of the same code give the same shape; the SVG in a README is drawn from the
    shape alone, and CI compares it.
    """
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


# --- Rows and lanes, as drawn ----------------------------------------------------------------------


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
