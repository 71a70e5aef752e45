"""How long people wait: the walkthrough, one pattern, the suite, and a practice save.

    python -m bench.kata [--runs 3] [--update-readme]    what ``nox -s bench -- kata`` runs

Each command runs as its user runs it, through nox, one at a time, ``--runs`` times;
the table gives every run and the median beside its budget (the guide's three loops).
"warm" runs find their environment built (``nox --install-only`` first); "cold" is a fresh clone of
the committed HEAD with no environment, so it includes installing the kata's extra
(pip's cache is kept: a first install ever also downloads). The suite's figure is
pytest's own time, as its budget is. A practice save is timed by
``nox -s practice -- 08 --measure-watch``: five saves, the median of each session.

The machine's load is read before and after: two cores shared with anything else
make every figure larger, so a table from a busy machine says so in its title.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.report import machine, print_table
from kata import readme_blocks

REPO = Path(__file__).resolve().parent.parent
BLOCK = "kata-speed"  # README.md's block for this table
# The nox that started this session (noxfile.py passes its interpreter): bench's own
# environment does not install nox.
NOX = [os.environ.get("BENCH_NOX_PYTHON", "python3"), "-m", "nox"]


@dataclass
class Wait:
    what: str
    command: list[str]
    budget: float | None  # seconds; None: measured, no budget
    measure: Callable[[list[str], Path], float]  # runs the command in a folder, returns seconds
    cold: bool = False  # in a fresh clone, each run


def wall_clock(command: list[str], folder: Path) -> float:
    started = time.perf_counter()
    run(command, folder)
    return time.perf_counter() - started


def pytests_own_time(command: list[str], folder: Path) -> float:
    """The "in 58.21s" of pytest's summary line."""
    summary = re.findall(r" in ([\d.]+)s", run(command, folder))
    if not summary:
        raise SystemExit(f"{' '.join(command)}: no pytest summary in its output")
    return float(summary[-1])


def median_save(command: list[str], folder: Path) -> float:
    """The median of the saves in ``--measure-watch``'s table."""
    saves = [float(s) for s in re.findall(r"\| save \d+ \| ([\d.]+) \|", run(command, folder))]
    if not saves:
        raise SystemExit(f"{' '.join(command)}: no saves in its table")
    return statistics.median(saves)


def run(command: list[str], folder: Path) -> str:
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done.stdout + done.stderr


WAITS = [
    Wait("`nox -s walkthrough`, warm", [*NOX, "-s", "walkthrough"], 20, wall_clock),
    Wait(
        "`nox -s walkthrough`, cold (fresh clone, its environment included)",
        [*NOX, "-s", "walkthrough"],
        45,
        wall_clock,
        cold=True,
    ),
    Wait("`nox -s pattern -- 08`, warm", [*NOX, "-s", "pattern", "--", "08"], None, wall_clock),
    Wait("`nox -s tests`, pytest's own time", [*NOX, "-s", "tests"], 60, pytests_own_time),
    Wait(
        "`nox -s practice -- 08 --watch`, a save to its verdict (median of 5)",
        [*NOX, "-s", "practice", "--", "08", "--measure-watch"],
        1.5,
        median_save,
    ),
]


def fresh_clone(into: Path) -> Path:
    clone = into / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    return clone


def measure(wait: Wait, runs: int) -> list[float]:
    if not wait.cold:
        after_session = wait.command.index("-s") + 2
        install_only = [*wait.command[:after_session], "--install-only"]
        run([*install_only, *wait.command[after_session:]], REPO)  # not counted
        return [wait.measure(wait.command, REPO) for _ in range(runs)]
    seconds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            seconds.append(wait.measure(wait.command, fresh_clone(Path(scratch))))
    return seconds


def table(runs: int) -> tuple[str, list[str], list[list[str]]]:
    load_before = os.getloadavg()[0]
    rows = []
    for wait in WAITS:
        print(f"  {wait.what} ({runs} runs) …", flush=True)
        seconds = measure(wait, runs)
        median = statistics.median(seconds)
        budget = "none" if wait.budget is None else f"≤ {wait.budget:g}"
        verdict = "" if wait.budget is None else ("yes" if median <= wait.budget else "NO")
        runs_text = ", ".join(f"{s:.1f}" for s in seconds)
        rows.append([wait.what, runs_text, f"{median:.1f}", budget, verdict])
    title = (
        f"Seconds people wait, median of {runs} runs; {machine()}; load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after:"
    )
    return title, ["what", "runs", "median", "budget", "within"], rows


def markdown(title: str, columns: list[str], rows: list[list[str]]) -> str:
    lines = [title, "", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    print(f"Timing what people wait on, {runs} runs each, one command at a time:")
    title, columns, rows = table(runs)
    print_table(title, columns, rows)
    if "--update-readme" in argv:
        readme = REPO / "README.md"
        readme.write_text(
            readme_blocks.replace(
                readme.read_text(),
                BLOCK,
                markdown(title, columns, rows),
                note="generated by `nox -s bench -- kata --update-readme`",
            )
        )
        print("\nWrote the table into README.md.")
    return 0  # a measurement, not a test: the table says what is over its budget


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
