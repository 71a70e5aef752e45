"""The red-green mechanism itself: only the lesson counts as red.

Each test here runs a small test file in a pytest session of its own (in this
process, without pytest-django) and reads back how pytest judged each variant.
"""

import re
from pathlib import Path

import pytest

from kata.variants import Fails, Holds, Kata

# The inner session's own configuration: the markers the variants use, and, as pyproject.toml's
# addopts, without the plugins no test uses (importing schemathesis's costs the first inner
# session of a run a second or more).
INI = """[pytest]
addopts = -p no:schemathesis -p no:anyio
markers =
    naive: naive
    article: article
    shop: shop
    counterexample: counterexample
    variant: variant
"""


class Outcomes:
    """A plugin for the inner session: each test's outcome, by its id."""

    def __init__(self) -> None:
        self.of: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name = report.nodeid.split("::")[-1]
        if report.when == "call" or report.outcome != "passed":
            if hasattr(report, "wasxfail") and report.skipped:
                self.of[name] = "xfailed"
            elif report.outcome == "failed" or name not in self.of:
                self.of[name] = report.outcome


def outcomes_of(tmp_path: Path, source: str) -> dict[str, str]:
    (tmp_path / "pytest.ini").write_text(INI)
    # A name of its own: pytest would otherwise reuse an earlier inner module of the same name.
    inner = tmp_path / ("test_inner_" + re.sub(r"\W", "_", tmp_path.name) + ".py")
    inner.write_text(source)
    outcomes = Outcomes()
    code = pytest.main(
        [
            str(inner),
            "-c",
            str(tmp_path / "pytest.ini"),
            "--rootdir",
            str(tmp_path),
            "-p",
            "no:django",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "--import-mode=importlib",
            "-q",
        ],
        plugins=[outcomes],
    )
    assert code in (0, 1), f"the inner session could not run (exit {code})"
    return outcomes.of


VARIANTS = """
import pytest
from kata.variants import Fails, Holds, Kata
from testing.preconditions import require

kata = Kata(naive="naive", article="article", shop="shop")

"""


def test_a_variant_expected_to_fail_counts_only_an_assertion_error_as_red(tmp_path):
    outcomes = outcomes_of(
        tmp_path,
        VARIANTS
        + """
@kata(naive=Fails("the lesson"), article=Fails("the lesson"))
def test_assertion(variant):
    assert variant == "shop", f"called it, got {variant}, expected shop"


@kata(naive=Fails("the lesson"), article=Holds())
def test_crash(variant):
    if variant == "naive":
        raise KeyError("a bug in the variant, not the lesson")
    assert variant != "naive"


@kata(naive=Fails("the lesson"), article=Holds())
def test_precondition(variant):
    require(variant != "naive", "the forced interleaving happened")
""",
    )

    assert outcomes == {
        "test_assertion[naive]": "xfailed",
        "test_assertion[article]": "xfailed",
        "test_assertion[shop]": "passed",
        "test_crash[naive]": "failed",
        "test_crash[article]": "passed",
        "test_crash[shop]": "passed",
        "test_precondition[naive]": "failed",
        "test_precondition[article]": "passed",
        "test_precondition[shop]": "passed",
    }


def test_a_plain_assert_as_a_precondition_would_be_taken_for_the_lesson(tmp_path):
    """Why harness preconditions go through require(): a strict xfail swallows an assert."""
    outcomes = outcomes_of(
        tmp_path,
        VARIANTS
        + """
@kata(naive=Fails("the lesson"), article=Holds())
def test_precondition(variant):
    assert variant != "naive", "the forced interleaving did not happen"
""",
    )

    assert outcomes["test_precondition[naive]"] == "xfailed"


def test_each_variant_is_held_to_what_its_test_says_of_it(tmp_path):
    outcomes = outcomes_of(
        tmp_path,
        VARIANTS
        + """
@kata(naive=Fails("said to fail"), article=Holds("said to hold"))
def test_both_wrong(variant):
    assert variant == "naive", "only the naive passes"
""",
    )

    assert outcomes == {
        "test_both_wrong[naive]": "failed",  # a strict xfail that passes
        "test_both_wrong[article]": "failed",
        "test_both_wrong[shop]": "failed",
    }


def test_a_test_must_say_what_every_variant_does():
    kata = Kata(naive="naive", article="article", shop="shop")

    with pytest.raises(TypeError, match="missing \\['article'\\]"):
        kata(naive=Fails("why"))
    with pytest.raises(TypeError, match="unknown \\['shop'\\]"):
        kata(naive=Fails("why"), article=Holds(), shop=Holds())
    with pytest.raises(TypeError, match="needs the shop"):
        Kata(naive="naive", article="article")
