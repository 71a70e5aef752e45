"""What goes wrong: a pytest plugin that writes, per test, what each lesson variant did (holds,
or fails with the assertion's own message and where), in the same words on every run.

    python -m pytest patterns/08_service_layer -m "naive or article or counterexample" \\
        --runxfail -p kata.summary          # prints the block at the end
"""

import ast
import json
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kata.roles import SHOP, reading_order, role_of_variant, variant_of

REPO = Path(__file__).resolve().parent.parent
WIDTH = 96


@dataclass
class Outcome:
    variant: str
    expected_to_fail: bool
    failed: bool = False
    passed: bool = False
    message: str = ""
    where: str = ""
    example: str = ""
    problem: str = ""


@dataclass
class Summary:
    groups: dict[str, list[Outcome]] = field(default_factory=dict)

    def block(self) -> str:
        width = max((len(o.variant) for group in self.groups.values() for o in group), default=7)
        lines = []
        for test, outcomes in self.groups.items():
            lines.append(test)
            for outcome in sorted(outcomes, key=lambda o: reading_order(o.variant)):
                lines += describe(outcome, width)
        return "\n".join(lines)

    def failures(self) -> dict[str, int]:
        """How many tests each variant failed, as expected."""
        counts: dict[str, int] = {}
        for outcomes in self.groups.values():
            for o in outcomes:
                counts[o.variant] = counts.get(o.variant, 0) + (o.failed and not o.problem)
        return counts

    def problems(self) -> list[str]:
        return [
            f"{test} [{o.variant}]: {o.problem}"
            for test, outcomes in self.groups.items()
            for o in outcomes
            if o.problem
        ]


def describe(outcome: Outcome, width: int) -> list[str]:
    label = f"  {outcome.variant:<{width}}  "
    if outcome.problem:
        return [f"{label}PROBLEM: {outcome.problem}"]
    if outcome.passed:
        return [f"{label}holds"]
    indent = " " * len(label)
    text = [f"{label}fails ({outcome.where})"]
    text += textwrap.wrap(
        outcome.message, WIDTH, initial_indent=indent, subsequent_indent=indent + "  "
    )
    if outcome.example:
        text += textwrap.wrap(
            f"found by Hypothesis: {outcome.example}",
            WIDTH,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
        )
    return text


def group_of(item: pytest.Item) -> str:
    """The test, with any parameters other than the variant."""
    others = ""
    if hasattr(item, "callspec"):
        params = {k: v for k, v in item.callspec.params.items() if k != "variant"}
        others = "-".join(str(v) for v in params.values())
    return f"{item.originalname}[{others}]" if others else item.originalname


def stable(text: str) -> str:
    """The same text on every machine and run: no repository path, no memory address."""
    text = text.replace(str(REPO) + os.sep, "")
    return re.sub(r"\b0x[0-9a-fA-F]{6,}\b", "0x…", text)


def assertion_message(report: pytest.TestReport) -> tuple[str, str, str]:
    """(exception type, message without pytest's own "assert ..." explanation, where)."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is None:
        return "", stable(str(report.longrepr)), ""
    kind, _, message = crash.message.partition(": ")
    message = message.split("\nassert ")[0].strip()
    where = f"{Path(crash.path).name}:{crash.lineno}"
    return kind, stable(" ".join(message.split())), where


def hypothesis_example(report: pytest.TestReport, fixtures: set[str]) -> str:
    """The failing example Hypothesis reports: the drawn arguments, not the fixtures.

    Hypothesis prints it as a call, its arguments one per line, a long one over several
    (with "# or any other generated value" comments); parsed as Python, it reads the same
    whatever the layout.
    """
    text = re.sub(r"(?m)^E {3}", "", report.longreprtext)  # pytest's prefix on the error's lines
    match = re.search(
        r"(?:Falsifying|Failing)[^\n]*?(?:example|test case): (\w+\(\n.*?\n\s*\))(?=\n|$)",
        text,
        re.S,
    )
    if not match:
        return ""
    call = re.sub(r"#[^\n]*", "", match.group(1))
    # A fixture's value may print as `<module.Class object at 0x…>`, which is not Python;
    # fixtures are dropped below anyway, so any placeholder lets the call parse.
    call = re.sub(r"<[^<>\n]*>", "None", call)
    try:
        keywords = ast.parse(call.strip(), mode="eval").body.keywords
    except (SyntaxError, AttributeError):
        return ""
    drawn = [f"{k.arg}={ast.unparse(k.value)}" for k in keywords if k.arg not in fixtures]
    return stable(", ".join(drawn))


class SummaryPlugin:
    """For a run of one pattern's lessons with ``--runxfail`` (``kata/runs.py``); the block goes
    in the pattern's README (``kata/pattern.py``), checked there by ``kata/readmes.py``.

    Stable from run to run: no timings, no absolute paths, no memory addresses, tests in
    the order they are written. A variant that does something else than its test expects
    (a Holds that fails, a Fails that passes, a failure that is not an AssertionError) is
    a problem, listed apart.
    """

    def __init__(self) -> None:
        self.summary = Summary()
        self.variants: dict[str, tuple[str, str, bool]] = {}
        self.fixtures: dict[str, set[str]] = {}

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # In the order the tests are written (pytest-django runs transactional tests last).
        items = session.items
        for item in sorted(items, key=lambda item: (item.location[0], item.location[1] or 0)):
            variant = variant_of(item)
            if variant and role_of_variant(variant) != SHOP:
                expected_to_fail = item.get_closest_marker("xfail") is not None
                self.variants[item.nodeid] = (variant, group_of(item), expected_to_fail)
                self.fixtures[item.nodeid] = set(getattr(item, "fixturenames", ()))
                self.summary.groups.setdefault(group_of(item), [])

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid not in self.variants:
            return
        variant, group, expected_to_fail = self.variants[report.nodeid]
        outcomes = self.summary.groups.setdefault(group, [])
        outcome = next((o for o in outcomes if o.variant == variant), None)
        if outcome is None:
            outcome = Outcome(variant=variant, expected_to_fail=expected_to_fail)
            outcomes.append(outcome)
        if report.failed:
            kind, message, where = assertion_message(report)
            if report.when != "call":
                outcome.problem = f"{report.when} failed: {kind}: {message}"[:500]
            elif kind != "AssertionError":
                outcome.problem = f"failed for another reason: {kind}: {message}"[:500]
            elif not expected_to_fail:
                outcome.problem = f"expected to hold, failed: {message}"[:500]
            else:
                outcome.failed = True
                outcome.message, outcome.where = message, where
                outcome.example = hypothesis_example(report, self.fixtures[report.nodeid])
        elif report.when == "call" and report.passed:
            outcome.passed = True
            if expected_to_fail:
                outcome.problem = "expected to fail with an AssertionError, passed"
        elif report.skipped and report.when in ("setup", "call"):
            outcome.problem = (
                f"skipped: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else ''}"
            )

    def pytest_terminal_summary(self, terminalreporter) -> None:
        block = self.summary.block()
        terminalreporter.section("what goes wrong, as the pattern's README shows it")
        terminalreporter.line(block)
        for problem in self.summary.problems():
            terminalreporter.line(f"PROBLEM: {problem}", red=True)
        if path := os.environ.get("KATA_SUMMARY"):
            Path(path).write_text(
                json.dumps(
                    {
                        "block": block,
                        "problems": self.summary.problems(),
                        "failures": self.summary.failures(),
                    }
                )
            )


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SummaryPlugin(), "kata-summary")
