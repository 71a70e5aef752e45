"""The walkthrough's block for one pattern: what it counts, and how it says it."""

from types import SimpleNamespace

from kata import manifest
from kata.walkthrough import PatternRun, WalkthroughReporter, print_run


def expected_red(nodeid: str, role: str) -> SimpleNamespace:
    """A report of a strict xfail that failed as expected, as pytest gives it."""
    return SimpleNamespace(
        nodeid=nodeid,
        keywords={role: 1},
        wasxfail="",
        skipped=True,
        failed=False,
        passed=False,
        when="call",
        longrepr=SimpleNamespace(reprcrash=SimpleNamespace(message="AssertionError: got 2")),
    )


def test_a_test_red_in_two_variants_is_one_test_the_shop_passes(capsys):
    pattern = manifest.patterns()[1]
    run = PatternRun(pattern=pattern)
    reporter = WalkthroughReporter([run])
    test = f"patterns/{pattern.folder}/test_x.py::test_one_account_per_address"
    for role in ("naive", "article"):
        reporter.pytest_runtest_logreport(expected_red(f"{test}[{role}]", role))
    run.green = 1

    print_run(run)

    out = capsys.readouterr().out
    shop_line = out.split("\n    shop    ")[-1].split("\n    review  ")[0]
    assert "1 passed, the 1 test red above among them" in " ".join(shop_line.split())


def test_the_fourth_line_is_what_drf_review_says_about_the_naive_code_and_the_shop(capsys):
    pattern = manifest.pattern("08")

    print_run(PatternRun(pattern=pattern, green=1))

    review_line = " ".join(capsys.readouterr().out.split("\n    review  ")[-1].split())
    assert review_line.startswith("naive.py:65 DRP082 item.sku.stock is changed in Python")
    assert "lock the row first; the shop: no finding" in review_line
