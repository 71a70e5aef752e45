"""The pattern manifests (patterns/NN_name/pattern.toml): read, checked, and true of the shop."""

from collections import Counter
from pathlib import Path

import pytest

from kata import manifest, manifest_docs, readme_blocks, review, walkthrough
from kata import pattern as pattern_command
from kata.manifest import ManifestError

EXAMPLE = """
number = "99"
title = "An example"
rule = "Say it once."
hints = ["Is it said twice?"]
shop_tests = []

[article]
verdict = "holds"
why = ""

[[symptoms]]
text = "The same words in two files."
codes = ["DRP991"]
article = "holds"

[variants]
naive = "naive.py"

[[shop]]
file = "shop/core/side_effects.py"
name = "after_commit"
"""


@pytest.fixture
def example(tmp_path) -> Path:
    folder = tmp_path / "patterns" / "99_example"
    folder.mkdir(parents=True)
    (folder / "naive.py").write_text("")
    (folder / "pattern.toml").write_text(EXAMPLE)
    return folder


def test_every_pattern_folder_has_a_manifest_and_the_numbers_run_from_01():
    folders = sorted(p.name for p in manifest.PATTERNS.iterdir() if p.name[:2].isdigit())
    numbers = [pattern.number for pattern in manifest.patterns()]

    assert [pattern.folder for pattern in manifest.patterns()] == folders
    assert numbers == [f"{n:02d}" for n in range(1, len(numbers) + 1)]


@pytest.mark.parametrize("pattern", manifest.patterns(), ids=lambda p: p.number)
def test_what_a_manifest_names_in_the_shop_is_there(pattern):
    assert manifest.dangling(pattern) == []


def test_a_manifest_is_read_into_its_pattern(example):
    pattern = manifest.read(example)

    assert (pattern.number, pattern.title, pattern.hints) == (
        "99",
        "An example",
        ("Is it said twice?",),
    )
    assert pattern.variant_file("naive") == example / "naive.py"
    assert pattern.shop == (manifest.ShopPart("shop/core/side_effects.py", "after_commit"),)
    assert pattern.symptoms == (
        manifest.Symptom("The same words in two files.", ("DRP991",), "holds"),
    )
    assert pattern.codes == ("DRP991",)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (('number = "99"', 'number = "98"'), "is not the folder's"),
        (("[article]", 'rules = "typo"\n[article]'), "unknown keys ['rules']"),
        (('rule = "Say it once."\n', ""), "missing ['rule']"),
        (('verdict = "holds"', 'verdict = "maybe"'), "verdict (holds or fails)"),
        (('naive = "naive.py"', 'naive = "naif.py"'), "naif.py does not exist"),
        (('title = "An example"', "title = An example"), "99_example/pattern.toml"),
        (('codes = ["DRP991"]', 'codes = ["DRP081"]'), "'DRP081' is not a code of pattern 99"),
        (('codes = ["DRP991"]', 'codes = ["DRP991", "DRP991"]'), "DRP991 is listed beside two"),
        (('article = "holds"', 'article = "maybe"'), "a symptom's article is holds or fails"),
        (('article = "holds"', 'article = "holds"\nunseen = "why"'), "unseen is for a symptom"),
        (('codes = ["DRP991"]\n', ""), "each [[symptoms]] needs text, codes and article"),
    ],
    ids=[
        "number",
        "unknown-key",
        "missing-key",
        "verdict",
        "variant-file",
        "not-toml",
        "code-of-another-pattern",
        "code-twice",
        "symptom-verdict",
        "unseen-where-it-holds",
        "symptom-without-codes",
    ],
)
def test_a_faulty_manifest_is_refused_naming_its_file_and_fault(example, change, complaint):
    (example / "pattern.toml").write_text(EXAMPLE.replace(*change))

    with pytest.raises(ManifestError, match=r"99_example/pattern\.toml") as refused:
        manifest.read(example)

    assert complaint in str(refused.value)


def test_a_name_in_the_shop_that_is_gone_is_dangling(example):
    text = EXAMPLE.replace('name = "after_commit"', 'name = "after_commit_renamed"')
    (example / "pattern.toml").write_text(
        text.replace("shop_tests = []", 'shop_tests = ["tests/x.py"]')
    )

    assert manifest.dangling(manifest.read(example)) == [
        "patterns/99_example/pattern.toml: shop/core/side_effects.py does not define "
        "after_commit_renamed",
        "patterns/99_example/pattern.toml: shop_tests: tests/x.py does not exist",
    ]


@pytest.mark.parametrize(
    ("file", "name", "defined"),
    [
        ("shop/checkouts/views.py", "CheckoutView.post", True),
        ("shop/checkouts/views.py", "CheckoutView.put", False),
        ("shop/orders/models.py", "SNAPSHOT_FIELDS", True),
        ("pyproject.toml", "[tool.importlinter]", True),
    ],
)
def test_a_shop_part_is_a_name_its_file_defines(file, name, defined):
    assert manifest.defines(manifest.REPO / file, name) is defined


# --- The READMEs, written from the manifests ------------------------------------------------


def test_the_readmes_say_what_the_manifests_say():
    """`nox -s readmes -- --update` rewrites them; this fails until someone has."""
    assert manifest_docs.stale() == []


@pytest.fixture
def example_tree(example) -> Path:
    """A repository of one pattern, 99, whose READMEs have the comments but no text yet."""
    patterns = example.parent
    (patterns.parent / "README.md").write_text(empty_block("patterns-table"))
    (patterns / "README.md").write_text("# Review\n\n" + empty_block("review-page"))
    (example / "README.md").write_text(
        empty_block("pattern-head")
        + "\n## In code review, ask\n\n"
        + empty_block("review-questions")
    )
    (example / "test_example.py").write_text("")
    return patterns


def empty_block(name: str) -> str:
    return f"{readme_blocks.begin(name)} -->\n{readme_blocks.end(name)}\n"


def test_the_manifests_text_is_written_into_each_readme_then_found_up_to_date(example_tree):
    assert len(manifest_docs.stale(example_tree)) == 4

    manifest_docs.update(example_tree)

    assert manifest_docs.stale(example_tree) == []
    top = (example_tree.parent / "README.md").read_text()
    assert "| 99 | [An example](patterns/99_example/) | Say it once. | holds |" in top
    review = (example_tree / "README.md").read_text()
    assert "## [99 · An example](99_example/)\n\n**Rule:** Say it once." in review
    assert "**Symptom in a diff:**\n- The same words in two files. drf-review: `DRP991`." in review
    assert "**Ask:**\n- Is it said twice?" in review
    assert "**Proved by:** [`test_example.py`](99_example/test_example.py)." in review
    readme = (example_tree / "99_example" / "README.md").read_text()
    assert "# 99 · An example\n\n**Rule:** Say it once.\n" in readme
    assert "## In code review, ask\n\n" + readme_blocks.begin("review-questions") in readme


def test_a_readme_edited_by_hand_is_stale_and_the_diff_says_where(example_tree):
    manifest_docs.update(example_tree)
    readme = example_tree / "99_example" / "README.md"
    readme.write_text(readme.read_text().replace("Say it once.", "Say it twice."))

    [problem] = manifest_docs.stale(example_tree)

    assert problem.startswith(
        "patterns/99_example/README.md differs from patterns/99_example/pattern.toml"
    )
    assert "-**Rule:** Say it twice.\n+**Rule:** Say it once." in problem


def test_a_block_is_written_between_its_comments_and_read_back_the_same():
    text = "before\n" + empty_block("x") + "after\n"

    once = readme_blocks.replace(text, "x", "line 1\nline 2", note="generated by `it`")
    twice = readme_blocks.replace(once, "x", "line 1\nline 2", note="generated by `it`")

    assert once == twice
    assert readme_blocks.read(once, "x") == "line 1\nline 2"
    assert once.startswith("before\n<!-- kata:x begin: generated by `it` -->\nline 1")
    assert once.endswith("<!-- kata:x end -->\nafter\n")
    with pytest.raises(readme_blocks.BlockMissing, match="kata:y"):
        readme_blocks.replace(text, "y", "", note="")


# --- Who reads them -------------------------------------------------------------------------


def test_the_walkthrough_shows_each_pattern_with_its_manifests_title_and_rule(capsys, monkeypatch):
    pattern = manifest.pattern("4")
    run = walkthrough.PatternRun(pattern, reds=Counter(naive=1), green=1)
    run.first_red["naive"] = "called it, got 1, expected 2"
    # Its fourth line, drf-review's, is tests/kata/test_walkthrough.py's (a check of the
    # whole repository, seconds): not what is shown here.
    monkeypatch.setattr(review, "walkthrough_line", lambda pattern: "(drf-review's line)")

    walkthrough.print_run(run)

    head, rest = capsys.readouterr().out.split("\n", 1)
    assert head == f"[04/{len(manifest.patterns())}] {pattern.title}"
    assert f"rule {pattern.rule} naive red in 1 of 1" in " ".join(rest.split())


def test_the_pattern_command_refuses_an_unknown_pattern_naming_those_there_are(capsys):
    assert pattern_command.main(["42"]) == 2

    numbers = ", ".join(p.number for p in manifest.patterns())
    assert capsys.readouterr().out == f"No pattern '42'. Choose one of: {numbers}.\n"
