"""The pattern manifests (patterns/NN_name/pattern.toml): read, checked, and true of the shop."""

from pathlib import Path

import pytest

from patterns import manifest
from patterns.manifest import ManifestError

EXAMPLE = """
number = "99"
title = "An example"
rule = "Say it once."
hints = ["Is it said twice?"]
symptoms = ["The same words in two files."]
shop_tests = []

[article]
verdict = "holds"
why = ""

[variants]
naive = "naive.py"

[[shop]]
file = "shop/core/side_effects.py"
name = "after_commit"
"""


@pytest.fixture
def example(tmp_path) -> Path:
    folder = tmp_path / "99_example"
    folder.mkdir()
    (folder / "naive.py").write_text("")
    (folder / "pattern.toml").write_text(EXAMPLE)
    return folder


def test_every_pattern_folder_has_a_manifest_and_the_numbers_run_from_01():
    folders = sorted(p.name for p in manifest.HERE.iterdir() if p.name[:2].isdigit())
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


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (('number = "99"', 'number = "98"'), "is not the folder's"),
        (("[article]", 'rules = "typo"\n[article]'), "unknown keys ['rules']"),
        (('rule = "Say it once."\n', ""), "missing ['rule']"),
        (('verdict = "holds"', 'verdict = "maybe"'), "verdict (holds or fails)"),
        (('naive = "naive.py"', 'naive = "naif.py"'), "naif.py does not exist"),
        (('title = "An example"', "title = An example"), "99_example/pattern.toml"),
    ],
    ids=["number", "unknown-key", "missing-key", "verdict", "variant-file", "not-toml"],
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
