"""A recording as swimlanes in a terminal: one column per lane, time going down, real milliseconds.

    test_ten_buyers_of_the_last_unit_make_exactly_one_order [shop] passes
         ms  1 2 3 4 5 6 7 8 9 10
        2.1  ● │ │                      buyer 1: lock SKU
        2.6  │ ░ │                      buyer 2: lock SKU (waits)
        ...

Lanes are named and ordered as in the README's picture (``shape.py``); ``LEGEND`` says the rest.
"""

import re

from kata.timelines.shape import shape_of
from kata.timelines.steps import Step
from testing.timelines.recorded import Recorded

WIDTH = 100
MARKS = {"commit": "✔", "rollback": "↺", "hold": "◆"}
LEGEND = [
    "● a statement  ✔ COMMIT  ↺ ROLLBACK  ✘ an error  ◆ held by the harness (a rendezvous)",
    "│ in a transaction  ░ waits on a lock  ┊ held, waiting for the others  ═ the harness lets go",
]


def everything(recorded: dict[str, list[Recorded]]) -> list[str]:
    """Each test's timelines, its variants one after the other (``readme.recordings``)."""
    lines = list(LEGEND)
    for variants in recorded.values():
        for one in variants:
            lines += ["", *render(one)]
    return lines


def render(recorded: Recorded) -> list[str]:
    variant = f" [{recorded.variant}]" if recorded.variant else ""
    lines = [f"{recorded.test}{variant} {recorded.outcome}".rstrip()]
    for scene in recorded.scenes:
        shape = shape_of(scene)
        lines += swimlanes(shape.names, shape.steps, scene.syncs)
    return lines


def swimlanes(names: dict[str, str], steps: list[Step], syncs) -> list[str]:
    order = list(names)  # recorded lane names, in the order drawn
    column = {lane: i for i, lane in enumerate(order)}
    entries = []  # (time, lane column or None, mark, text)
    for step in steps:
        text = step.failed if step.error and not step.waited else step.label
        if step.waited:
            text += " (waits)"
        failed_at_once = step.error and not step.waited
        mark = "✘" if failed_at_once else MARKS.get(step.kind, "●")
        # A failure shows when it came back: a violated constraint may have waited first.
        entries.append((step.end if failed_at_once else step.start, column[step.lane], mark, text))
        if step.waited:
            if step.error:
                after, mark = step.failed, "✘"
            elif step.blocker is not None:
                ended = (
                    f"failed: {step.blocker.failed.rsplit('✗ ', 1)[-1]}"
                    if step.blocker.error
                    else {"commit": "committed", "rollback": "rolled back"}.get(
                        step.blocker.kind, "wrote"
                    )
                )
                after, mark = f"{step.label}: granted ({names[step.blocker.lane]} {ended})", "●"
            else:
                after, mark = f"{step.label}: granted", "●"
            entries.append((step.end, column[step.lane], mark, after))
    for sync in syncs:
        entries.append((sync.time, None, "", sync.label))
    entries.sort(key=lambda e: (e[0], -1 if e[1] is None else e[1]))

    width = 2 * len(order)
    lines = header(list(names.values()), width)
    merged: list[list] = []
    for time, lane, mark, text in entries:
        last = merged[-1] if merged else None
        if last and lane is not None and last[3] == text and lane not in last[1]:
            last[1][lane] = mark
            continue
        merged.append([time, {} if lane is None else {lane: mark}, lane is None, text])
    for time, marks, is_sync, text in merged:
        if is_sync:
            rule = "═" * width
            lines.append(clip(f"{time * 1000:7.1f}  {rule}  {text}"))
            continue
        glyphs = "".join(
            (marks.get(i) or state(steps, syncs, lane, time)) + " " for i, lane in enumerate(order)
        )
        who = who_of([list(names.values())[i] for i in sorted(marks)])
        lines.append(clip(f"{time * 1000:7.1f}  {glyphs} {who}: {text}"))
    return lines


def header(names: list[str], width: int) -> list[str]:
    numbers = [str(i) for i in range(1, len(names) + 1)]
    lines = []
    if len(names) > 9:
        lines.append(" " * 9 + "".join(f"{n[:-1] or ' '} " for n in numbers))
    lines.append("     ms  " + "".join(f"{n[-1]} " for n in numbers))
    kinds = {re.sub(r" \d+$", "", n) for n in names}
    if len(kinds) == 1 and len(names) > 1 and names[0] != next(iter(kinds)):
        legend = f"{next(iter(kinds))} 1 to {len(names)}"
    else:
        legend = ", ".join(f"{i} {n}" for i, n in enumerate(names, 1))
    lines[-1] = f"{lines[-1].ljust(9 + width)}  lanes: {legend}"
    return lines


def state(steps: list[Step], syncs, lane: str, time: float) -> str:
    """What ``lane`` is doing at ``time``, between its own steps."""
    mine = [s for s in steps if s.lane == lane]
    if any(s.waited and s.start < time < s.end for s in mine):
        return "░"
    holds = [s.start for s in mine if s.kind == "hold" and s.start < time]
    if holds and not any(holds[-1] < sync.time <= time for sync in syncs):
        return "┊"
    begun = [s for s in mine if s.start < time]
    if not begun or begun[-1].kind in ("commit", "rollback") or len(begun) == len(mine):
        return " "
    return "│"


def who_of(names: list[str]) -> str:
    """``buyer 3``, or ``buyers 1-4, 7`` for several of one kind."""
    if len(names) == 1:
        return names[0]
    kinds = {re.sub(r" \d+$", "", n) for n in names}
    if len(kinds) > 1:
        return ", ".join(names)
    numbers = [int(n.rsplit(" ", 1)[1]) for n in names]
    spans, start = [], numbers[0]
    for a, b in zip(numbers, [*numbers[1:], None], strict=True):
        if b != a + 1:
            spans.append(f"{start}" if start == a else f"{start}-{a}")
            start = b
    return f"{next(iter(kinds))}s {', '.join(spans)}"


def clip(line: str) -> str:
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"
