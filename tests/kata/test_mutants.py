"""The mutation catalogue (``[[mutants]]`` in the manifests; ``kata/mutants.py``): read,
checked, and shown. Running it is ``nox -s mutants``; here, what needs no run."""

import os

import pytest

from kata import manifest, mutants, readme_blocks
from kata.manifest import ManifestError, Mutant

MUTANT = """
[[mutants]]
id = "no-robust-callbacks"
what = "callbacks are not robust"
file = "shop/core/side_effects.py"
find = "on_commit(callback, robust=True)"
replace = "on_commit(callback)"
killed_by = ["tests/core/test_side_effects.py::test_a_failing_callback_is_logged_and_the_next_one_still_runs"]
"""

# The rules issue 24 found unguarded: each has its mutant, and CI runs it.
UNGUARDED = [
    "sku-lock-plan-order",
    "verify-link-no-row-lock",
    "login-no-hash-for-unknown-address",
    "verify-token-no-fallback-keys",
    "delivery-retry-no-backoff",
]


@pytest.fixture
def example(tmp_path):
    folder = tmp_path / "patterns" / "99_example"
    folder.mkdir(parents=True)
    (folder / "naive.py").write_text("")
    return folder


def write(folder, mutant_table: str) -> None:
    (folder / "pattern.toml").write_text(
        """number = "99"\ntitle = "An example"\nrule = "Say it once."\nhints = []
symptoms = []\nshop_tests = []\n[article]\nverdict = "holds"\nwhy = ""
[variants]\nnaive = "naive.py"\n[[shop]]\nfile = "shop/core/side_effects.py"
name = "after_commit"\n"""
        + mutant_table
    )


def test_a_mutant_is_read_with_its_edit_and_its_tests(example):
    write(example, MUTANT)

    [mutant] = manifest.read(example).mutants

    assert mutant == Mutant(
        id="no-robust-callbacks",
        what="callbacks are not robust",
        file="shop/core/side_effects.py",
        find="on_commit(callback, robust=True)",
        replace="on_commit(callback)",
        killed_by=(
            "tests/core/test_side_effects.py::"
            "test_a_failing_callback_is_logged_and_the_next_one_still_runs",
        ),
    )
    assert manifest.rotten(mutant) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (('killed_by = ["', 'killed_by = [] # "'), "killed_by is a non-empty list"),
        (('id = "', 'name = "'), "needs ['file', 'find', 'id', 'killed_by', 'replace', 'what']"),
        (
            ('replace = "on_commit(callback)"', 'replace = "on_commit(callback, robust=True)"'),
            "its replacement differs",
        ),
        (('id = "no-robust-callbacks"', 'id = "No Robust"'), "lowercase-with-dashes"),
    ],
    ids=["no-test", "unknown-key", "no-change", "id"],
)
def test_a_faulty_mutant_is_refused_naming_it(example, change, complaint):
    write(example, MUTANT.replace(*change))

    with pytest.raises(ManifestError, match=r"99_example/pattern\.toml") as refused:
        manifest.read(example)

    assert complaint in str(refused.value)


def test_a_mutant_whose_text_is_gone_or_whose_test_is_gone_is_rotten(example, monkeypatch):
    write(
        example,
        MUTANT.replace("robust=True)", "robust=Maybe)").replace(
            "::test_a_failing", "::test_no_such"
        ),
    )
    [mutant] = manifest.read(example).mutants

    assert manifest.rotten(mutant) == [
        "shop/core/side_effects.py holds its text 0 times, not once",
        "killed_by: tests/core/test_side_effects.py defines no "
        "test_no_such_callback_is_logged_and_the_next_one_still_runs",
    ]
    # In the copy where kata/mutants.py applied it, its text is gone on purpose.
    monkeypatch.setenv(manifest.APPLIED, "no-robust-callbacks")
    assert manifest.rotten(mutant) == [
        "killed_by: tests/core/test_side_effects.py defines no "
        "test_no_such_callback_is_logged_and_the_next_one_still_runs"
    ]


def test_the_catalogue_has_three_mutants_a_pattern_forty_in_all_and_the_unguarded_rules():
    per_pattern = {p.number: len(p.mutants) for p in manifest.patterns()}
    ids = [m.id for _, m in mutants.catalogue()]

    assert min(per_pattern.values()) >= 3, per_pattern
    assert len(ids) >= 40
    assert set(UNGUARDED) <= set(mutants.CI_SUBSET) <= set(ids)


def test_the_readme_table_lists_the_catalogue_in_its_order():
    """A mutant added or renamed without `nox -s mutants -- --update-readme` shows here."""
    if os.environ.get(manifest.APPLIED):
        pytest.skip("a copy kata/mutants.py mutated: its README is not this run's subject")
    shown = readme_blocks.read(mutants.README.read_text(), mutants.BLOCK) or ""
    listed = [row.split("(`")[1].split("`)")[0] for row in shown.splitlines()[2:]]

    assert listed == [m.id for _, m in mutants.catalogue()]
