"""What drf-review (``review/``) says about the kata's own variants, and about the shop.

Each variant is checked where it runs: a variant that defines what one of the shop's
parts defines (pattern 10's naive ``order_announce``, in place of
``shop/orders/effects.py``) is read as that file, so the shop's callers reach it, and
the transaction they open around it is seen. The variants of one role share one
index of the repository (each replaces a different shop file), so the whole kata is
three checks: the naive variants, the article's, the shop.

Read by the walkthrough (its fourth line per pattern), by the pattern READMEs'
``drf-review`` block (``kata/manifest_docs.py``) and by ``tests/kata/test_review_rules.py``.
"""

import os
from functools import cache
from pathlib import Path

from drf_review import Finding, check, config
from kata import manifest
from kata.manifest import Pattern

REPO = manifest.REPO
ROLES = ("naive", "article")


def variant_path(pattern: Pattern, role: str) -> Path | None:
    """The variant's file or folder; the article's advice on 02 is its naive model."""
    if role not in pattern.variants:
        role = "naive" if role == "article" else role
    return pattern.variant_file(role) if role in pattern.variants else None


def stand_in(pattern: Pattern, path: Path) -> Path | None:
    """The shop file a variant takes the place of: the first of the manifest's shop
    parts whose name the variant defines too."""
    if path.suffix != ".py":
        return None
    for part in pattern.shop:
        shop_file = REPO / part.file
        if shop_file.suffix == ".py" and manifest.defines(path, part.name.split(".")[0]):
            return shop_file
    return None


def settings() -> config.Config:
    return config.load(REPO)


@cache
def variant_findings(role: str) -> dict[str, list[Finding]]:
    """pattern number -> what drf-review finds in that pattern's ``role`` variant."""
    paths: dict[str, Path] = {}
    places: dict[Path, Path] = {}
    for pattern in manifest.patterns():
        path = variant_path(pattern, role)
        if path is None:
            continue
        paths[pattern.number] = path
        if (place := stand_in(pattern, path)) is not None:
            places[path] = place
    found = in_repository(list(paths.values()), places)
    return {
        number: [f for f in found if (REPO / f.path).resolve().is_relative_to(path)]
        for number, path in paths.items()
    }


@cache
def shop_findings() -> tuple[Finding, ...]:
    return tuple(in_repository([REPO / "shop"], {}))


def in_repository(paths: list[Path], places: dict[Path, Path]) -> list[Finding]:
    """Every finding in ``paths``, all codes on, paths relative to the repository."""
    here = Path.cwd()
    os.chdir(REPO)  # findings name their files from the working directory
    try:
        every = set(config.selected(settings(), ["DRP"], None))
        return check(paths, settings(), every, stand_in=places)
    finally:
        os.chdir(here)


def shown(pattern: Pattern, finding: Finding) -> str:
    """``naive.py:23 DRP081 <message>``: the file from the pattern's folder."""
    where = (REPO / finding.path).resolve().relative_to(pattern.path)
    return f"{where.as_posix()}:{finding.line} {finding.code} {finding.message}"


def own(pattern: Pattern, findings: list[Finding]) -> list[Finding]:
    """The findings of the pattern's own codes."""
    return [f for f in findings if f.code in pattern.codes]
