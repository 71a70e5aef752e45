"""The walkthrough: the ten patterns in order, each red (naive) then green (shop).

    python -m patterns.walkthrough          # all ten, one progress line each
    python -m patterns.walkthrough 03       # one pattern in full: the real red, then green

Run through nox: ``nox -s walkthrough`` and ``nox -s pattern -- 03``.
Exits non-zero if any naive variant passes, any naive variant fails for a
reason other than an assertion, or any shop test fails.
"""

import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PATTERNS = [
    ("01", "01_domain_apps", "Split apps by domain"),
    ("02", "02_custom_user", "Custom user from day one"),
    ("03", "03_jwt_is_active", "JWT and is_active"),
    ("04", "04_staff_throttle", "Staff-exempt throttles"),
    ("05", "05_opentelemetry", "OpenTelemetry from the start"),
    ("06", "06_soft_hard_delete", "Soft delete by default, hard delete on purpose"),
    ("07", "07_search_ranking", "Ranked search"),
    ("08", "08_service_layer", "Checkout as a service"),
    ("09", "09_order_snapshots", "Immutable order snapshots"),
    ("10", "10_on_commit", "Side effects after commit"),
]
WIDTH = 100


@dataclass
class PatternRun:
    number: str
    folder: str
    title: str
    expected: int = 0
    finished: int = 0
    red: int = 0
    green: int = 0
    first_red: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def built(self) -> bool:
        return any((HERE / self.folder).glob("test_*.py"))

    @property
    def rule(self) -> str:
        readme = HERE / self.folder / "README.md"
        if not readme.exists():
            return "(no README.md yet)"
        for line in readme.read_text().splitlines():
            if line.startswith("**Rule:**"):
                return line.removeprefix("**Rule:**").strip()
        return "(the README states no **Rule:** line)"


class WalkthroughReporter:
    """A pytest plugin that prints one block per pattern as its tests finish."""

    def __init__(self, runs: list[PatternRun]) -> None:
        self.by_folder = {run.folder: run for run in runs}
        self.runs = runs

    def run_of(self, nodeid: str) -> PatternRun | None:
        parts = nodeid.split("/")
        return self.by_folder.get(parts[1]) if len(parts) > 2 and parts[0] == "patterns" else None

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        # Replace pytest's own per-test output with one block per pattern.
        standard = config.pluginmanager.getplugin("terminalreporter")
        if standard is not None:
            config.pluginmanager.unregister(standard)

    @pytest.hookimpl(wrapper=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]):
        written_order = {item.nodeid: n for n, item in enumerate(items)}
        result = yield  # pytest-django regroups tests by database use in here
        # A walkthrough goes in pattern order, and within a pattern as its tests are written.
        items.sort(key=lambda item: (item.nodeid.split("::")[0], written_order[item.nodeid]))
        return result

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            run = self.run_of(report.nodeid)
            problem = f"could not collect {report.nodeid}:\n{report.longreprtext}"
            if run:
                run.problems.append(problem)
            else:
                print(problem)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            if run := self.run_of(item.nodeid):
                run.expected += 1
        print(
            f"Walking through {len(self.runs)} patterns: each naive variant must fail, then the shop must pass.\n"
        )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        run = self.run_of(report.nodeid)
        if run is None:
            return
        naive = "naive" in report.keywords
        if hasattr(report, "wasxfail") and report.skipped:
            run.red += 1
            run.first_red = run.first_red or first_assertion_message(report)
        elif report.failed:
            what = (
                "the naive variant passed (strict xfail)"
                if naive and report.when == "call"
                else "failed"
            )
            run.problems.append(f"{report.nodeid} {what}:\n{report.longreprtext[-1500:]}")
        elif report.when == "call" and report.passed:
            run.green += 1
        elif report.skipped and not naive:
            run.problems.append(f"{report.nodeid} was skipped: {report.longrepr[-1]}")
        if report.when == "teardown":
            run.finished += 1
            if run.finished == run.expected:
                print_run(run)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for run in self.runs:
            if run.expected == 0:
                print_run(run)


def first_assertion_message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash else str(report.longrepr)
    return message.removeprefix("AssertionError: ").split("\nassert ")[0].strip()


def print_run(run: PatternRun) -> None:
    head = f"[{run.number}/{len(PATTERNS)}] {run.title}"
    if not run.built:
        print(f"{head} {'.' * max(3, 60 - len(head))} coming\n")
        return
    print(head)
    print(wrapped("rule ", run.rule))
    if run.red:
        print(wrapped("red  ", f"naive: {shorten(run.first_red)}"))
    else:
        print(wrapped("red  ", "MISSING: no naive variant failed"))
    print(
        wrapped(
            "green",
            f"shop: {run.green} passed; {run.red} naive check{'s' * (run.red != 1)} went red → green",
        )
    )
    for problem in run.problems:
        print(textwrap.indent(f"PROBLEM: {problem}", "        "))
    print()


def shorten(message: str, limit: int = 400) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def wrapped(label: str, text: str) -> str:
    return textwrap.fill(
        text, WIDTH, initial_indent=f"    {label} ", subsequent_indent=" " * (len(label) + 5)
    )


def walk(pytest_args: list[str]) -> int:
    runs = [PatternRun(number, folder, title) for number, folder, title in PATTERNS]
    reporter = WalkthroughReporter(runs)
    exit_code = pytest.main(["patterns", "-p", "no:randomly", *pytest_args], plugins=[reporter])
    built = [run for run in runs if run.built]
    went_red_green = [run for run in built if run.red and run.green and not run.problems]
    problems = sum(len(run.problems) for run in runs) + sum(1 for run in built if not run.red)
    print(
        f"{len(built)} of {len(PATTERNS)} patterns built; "
        f"{len(went_red_green)} red → green"
        + (f"; {problems} problem(s) above" if problems else "")
    )
    return 1 if problems or exit_code not in (0, 5) else 0


def show_pattern(number: str, pytest_args: list[str]) -> int:
    """One pattern in full: the naive run's real failing output, then the shop's run."""
    matches = [(n, folder, title) for n, folder, title in PATTERNS if n == number.zfill(2)]
    if not matches or not (HERE / matches[0][1]).exists():
        known = ", ".join(n for n, folder, _ in PATTERNS if (HERE / folder).exists())
        print(f"No pattern {number!r} yet. Built so far: {known}.")
        return 2
    _, folder, title = matches[0]
    path = f"patterns/{folder}"
    pytest_cmd = [sys.executable, "-m", "pytest", path, "-p", "no:randomly", *pytest_args]

    print(f"=== Pattern {number.zfill(2)}: {title}")
    print(
        "=== 1. The naive variant, run for real (--runxfail): these failures are the lesson\n",
        flush=True,
    )
    red = subprocess.run([*pytest_cmd, "-m", "naive", "--runxfail", "--tb=short", "-v"])
    print("\n=== 2. The shop's implementation: the same assertions, green\n", flush=True)
    green = subprocess.run([*pytest_cmd, "-m", "not naive", "-v"])

    if red.returncode != 1:
        print(f"\nExpected the naive run to fail (exit 1), it exited {red.returncode}.")
        return 1
    return green.returncode


def main(argv: list[str]) -> int:
    if argv and argv[0].isdigit():
        return show_pattern(argv[0], argv[1:])
    return walk(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
