"""The README blocks: the same text from every run, and found where the README keeps them."""

from pathlib import Path

import pytest

from kata import runs
from kata.summary import REPO, Outcome, Summary, hypothesis_example, stable


def test_the_text_carries_no_path_of_this_machine_and_no_memory_address():
    text = f"{REPO}/kata/variants.py failed with <Consumer object at 0x7f3a2b1c9d90>"

    assert stable(text) == "kata/variants.py failed with <Consumer object at 0x…>"


def test_the_block_lists_each_test_then_what_each_variant_did():
    summary = Summary(
        groups={
            "test_one": [
                Outcome("article", expected_to_fail=False, passed=True),
                Outcome(
                    "naive",
                    expected_to_fail=True,
                    failed=True,
                    message="called it, got 1, expected 2",
                    where="test_x.py:12",
                ),
            ],
            "test_two": [Outcome("line-by-line", expected_to_fail=True, problem="passed")],
        }
    )

    assert summary.block().splitlines() == [
        "test_one",
        "  naive         fails (test_x.py:12)",
        "                called it, got 1, expected 2",
        "  article       holds",
        "test_two",
        "  line-by-line  PROBLEM: passed",
    ]
    assert summary.failures() == {"naive": 1, "article": 0, "line-by-line": 0}
    assert summary.problems() == ["test_two [line-by-line]: passed"]


def test_the_example_hypothesis_found_is_kept_without_the_fixtures():
    class Report:
        longreprtext = (
            "E   AssertionError: searched\n"
            "E   Falsifying example: test_search(\n"
            "E       variant=product_search,\n"
            "E       names=['_'],\n"
            "E       term='A',\n"
            "E   )\n"
        )

    assert hypothesis_example(Report(), {"variant"}) == "names=['_'], term='A'"


def test_an_example_printed_over_several_lines_reads_as_one():
    """Hypothesis 6.1xx indents the call's closing parenthesis and spreads a long argument
    over lines, with comments on the values that do not matter."""

    class Report:
        longreprtext = (
            "E       Failing test case: test_search(\n"
            "E           variant=product_search,\n"
            "E           catalogue=[(\n"
            "E                'A',\n"
            "E                -1,  # or any other generated value\n"
            "E                True,\n"
            "E            )],\n"
            "E           term='AA',\n"
            "E       )\n"
            "E       Explanation:\n"
        )

    assert hypothesis_example(Report(), {"variant"}) == "catalogue=[('A', -1, True)], term='AA'"


def test_an_explicit_example_with_a_fixture_printed_as_an_object_still_reads():
    """A fixture's value prints as `<… object at 0x…>`, which is not Python."""

    class Report:
        longreprtext = (
            "E           Failing explicit example: test_every_order(\n"
            "E               consumer=<patterns.test_on_commit.Consumer object at 0x7f92b9b10fd0>,\n"
            "E               attempts=['ok', 'crash'],\n"
            "E           )\n"
        )

    assert hypothesis_example(Report(), {"consumer"}) == "attempts=['ok', 'crash']"


@pytest.fixture
def a_pattern(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(runs, "PATTERNS", tmp_path)
    (tmp_path / "99_example").mkdir()
    readme = tmp_path / "99_example" / "README.md"
    readme.write_text(
        "# 99\n\n## What goes wrong\n\n"
        "<!-- kata:what-goes-wrong begin -->\n<!-- kata:what-goes-wrong end -->\n\n## The fix\n"
    )
    return readme


def test_a_block_written_into_a_readme_reads_back_the_same_and_leaves_the_rest(a_pattern):
    block = "test_one\n  naive    holds"

    runs.write_readme_block("99", "99_example", block)
    runs.write_readme_block("99", "99_example", block)  # idempotent

    assert runs.readme_block("99_example") == block
    text = a_pattern.read_text()
    assert text.startswith("# 99\n\n## What goes wrong\n\n")
    assert text.endswith("\n\n## The fix\n")
    assert "nox -s pattern -- 99 --update-readme" in text
