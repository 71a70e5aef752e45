"""The walkthrough: the ten patterns in order, four lines each: the naive variant, the article's
advice followed exactly, then the shop, against the same assertions; and what drf-review
(``review/``) says about the naive code and the shop.

    python -m kata.walkthrough [pytest args]    what ``nox -s walkthrough`` runs

Exits non-zero if any variant does something else than its test says (a Fails that
passes, a Holds that fails, a failure that is no AssertionError) or any shop test fails.
"""

import os
import sys
import textwrap
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import pytest

from kata import manifest, review
from kata.manifest import Pattern
from kata.roles import ARTICLE, COUNTEREXAMPLE, NAIVE, SHOP, role_of

WIDTH = 100


@dataclass
class PatternRun:
    pattern: Pattern
    expected: int = 0
    finished: int = 0
    reds: Counter = field(default_factory=Counter)  # role -> tests it failed, as expected
    red_tests: set[str] = field(default_factory=set)  # test functions some variant failed
    holds: Counter = field(default_factory=Counter)  # role -> tests it passed, as expected
    green: int = 0
    first_red: dict[str, str] = field(default_factory=dict)  # role -> its first red, as written
    first_red_place: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class WalkthroughReporter:
    """A pytest plugin that prints one block per pattern as its tests finish."""

    def __init__(self, runs: list[PatternRun], reviews: Future | None = None) -> None:
        self.by_folder = {run.pattern.folder: run for run in runs}
        self.runs = runs
        self.reviews = reviews  # of pattern number -> drf-review's line, if computed apart
        self.order: dict[str, int] = {}  # nodeid -> its place in the run, as written
        self.printed = 0  # patterns printed, in order

    def review_line(self, run: PatternRun) -> str | None:
        return self.reviews.result()[run.pattern.number] if self.reviews else None

    def run_of(self, nodeid: str) -> PatternRun | None:
        parts = nodeid.split("/")
        return self.by_folder.get(parts[1]) if len(parts) > 2 and parts[0] == "patterns" else None

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        # Replace pytest's own per-test output (and xdist's) with one block per pattern.
        for name in ("terminalreporter", "terminaldistreporter"):
            if (standard := config.pluginmanager.getplugin(name)) is not None:
                config.pluginmanager.unregister(standard)
        if (distributed := config.pluginmanager.getplugin("dsession")) is not None:
            distributed.terminal = None

    def expect(self, nodeids: list[str]) -> None:
        """The run's tests, in the order they run within each file (kata/written_order.py)."""
        if self.order:
            return  # each xdist worker reports the same collection
        self.order = {nodeid: n for n, nodeid in enumerate(nodeids)}
        for nodeid in nodeids:
            if run := self.run_of(nodeid):
                run.expected += 1
        print(
            f"Walking through {len(self.runs)} patterns: the naive variant, the article's advice "
            "followed exactly, then the shop, against the same assertions.\n"
        )

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.expect([item.nodeid for item in session.items])

    def pytest_xdist_node_collection_finished(self, node, ids: list[str]) -> None:
        self.expect(list(ids))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            run = self.run_of(report.nodeid)
            problem = f"could not collect {report.nodeid}:\n{report.longreprtext}"
            if run:
                run.problems.append(problem)
            else:
                print(problem)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        run = self.run_of(report.nodeid)
        if run is None:
            return
        role = role_of(report.keywords)
        if hasattr(report, "wasxfail") and report.skipped:
            run.reds[role] += 1
            run.red_tests.add(report.nodeid.split("[")[0])  # one per test, whatever the variant
            place = self.order.get(report.nodeid, len(self.order))
            if place < run.first_red_place.get(role, len(self.order) + 1):
                run.first_red[role] = first_assertion_message(report)
                run.first_red_place[role] = place
        elif report.failed:
            what = (
                f"the {role} variant passed a test it should fail (strict xfail)"
                if role != SHOP
                and report.when == "call"
                and "[XPASS(strict)]" in report.longreprtext
                else "failed"
            )
            run.problems.append(f"{report.nodeid} {what}:\n{report.longreprtext[-1500:]}")
        elif report.when == "call" and report.passed:
            if role == SHOP:
                run.green += 1
            else:
                run.holds[role] += 1
        elif report.skipped and report.when in ("setup", "call"):
            run.problems.append(f"{report.nodeid} was skipped: {report.longrepr[-1]}")
        if report.when == "teardown":
            run.finished += 1
            self.print_finished()

    def print_finished(self, everything: bool = False) -> None:
        """Each pattern whose tests are done, once those before it are printed."""
        while self.printed < len(self.runs):
            run = self.runs[self.printed]
            if run.finished < run.expected and not everything:
                return
            print_run(run, self.review_line(run))
            self.printed += 1

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.print_finished(everything=True)


def first_assertion_message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash else str(report.longrepr)
    return message.removeprefix("AssertionError: ").split("\nassert ")[0].strip()


def verdict(run: PatternRun, role: str) -> str:
    """``red in 3 of 5: <first failure>`` or ``holds in all 5``."""
    red, held = run.reds[role], run.holds[role]
    if not red:
        return f"holds in all {held}" if held else "MISSING: no test runs it"
    held_too = f", holds in {held}" if held else ""
    return f"red in {red} of {red + held}{held_too}: {shorten(run.first_red[role])}"


def print_run(run: PatternRun, review_line: str | None = None) -> None:
    print(f"[{run.pattern.number}/{len(manifest.patterns())}] {run.pattern.title}")
    print(wrapped("rule", run.pattern.rule))
    print(wrapped(NAIVE, verdict(run, NAIVE)))
    print(wrapped(ARTICLE, verdict(run, ARTICLE)))
    # Counted once per test, however many variants failed it: the shop runs each once.
    reds = len(run.red_tests)
    also = f" (with the {COUNTEREXAMPLE}'s)" if run.reds[COUNTEREXAMPLE] else ""
    print(
        wrapped(
            SHOP,
            f"green: {run.green} passed, the {reds} test{'s' * (reds != 1)} red above among "
            f"them{also}",
        )
    )
    # What drf-review (review/) says about the naive code, and about the shop.
    print(wrapped("review", review_line or review.walkthrough_line(run.pattern)))
    if not run.reds[NAIVE]:
        run.problems.append("no naive variant failed")
    for problem in run.problems:
        print(textwrap.indent(f"PROBLEM: {problem}", "        "))
    print()


def shorten(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def wrapped(label: str, text: str) -> str:
    """``text`` under a label seven characters wide (the longest, "article")."""
    return textwrap.fill(text, WIDTH, initial_indent=f"    {label:<7} ", subsequent_indent=" " * 12)


def review_lines() -> dict[str, str]:
    return {pattern.number: review.walkthrough_line(pattern) for pattern in manifest.patterns()}


def main(pytest_args: list[str]) -> int:
    runs = [PatternRun(pattern) for pattern in manifest.patterns()]
    folders = [f"patterns/{run.pattern.folder}" for run in runs]
    # Two xdist workers, a pattern's file each at a time, where there are two cores; the
    # blocks still print in order. drf-review reads the repository once for all ten lines
    # (2 s), in a process of its own, while the tests run.
    parallel = ["-n", "2", "--dist", "loadfile"] if (os.cpu_count() or 1) > 1 else []
    with ProcessPoolExecutor(max_workers=1) as pool:
        reporter = WalkthroughReporter(runs, pool.submit(review_lines))
        exit_code = pytest.main(
            [*folders, "-p", "no:randomly", "-p", "kata.written_order", *parallel, *pytest_args],
            plugins=[reporter],
        )
    clean = [run for run in runs if run.reds[NAIVE] and run.green and not run.problems]
    problems = sum(len(run.problems) for run in runs)
    article_holds = [run.pattern.number for run in runs if not run.reds[ARTICLE]]
    print(
        f"{len(runs)} patterns; {len(clean)} red → green; "
        f"the article's advice holds in {len(article_holds)} "
        f"({', '.join(article_holds) or 'none'}) and fails somewhere in the other "
        f"{len(runs) - len(article_holds)}" + (f"; {problems} problem(s) above" if problems else "")
    )
    return 1 if problems or exit_code not in (0, 5) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
