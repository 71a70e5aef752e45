"""Each rule against its fixtures, in semgrep's convention: a ``# ruleid: CODE`` comment
says the next line (or its own, at the end of a line) must be flagged with CODE, and
``# ok: CODE`` that it must not. Each rule has at least four of each.

Each folder under ``fixtures/`` is a small project (one per pattern, with its own
``pyproject.toml``): its apps, models and configuration are what the rules index.
"""

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from drf_review import check, codes, config

FIXTURES = Path(__file__).parent / "fixtures"
ANNOTATION = re.compile(r"#\s*(ruleid|ok):\s*(DRP\d{3}(?:\s*,\s*DRP\d{3})*)")
FOLDERS = sorted(p for p in FIXTURES.iterdir() if (p / "pyproject.toml").is_file())


def annotations(folder: Path) -> set[tuple[str, Path, int, str]]:
    """(kind, file, line, code) for every annotation under ``folder``."""
    found = set()
    for path in sorted(folder.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            match = ANNOTATION.search(line)
            if not match:
                continue
            target = number
            if line.lstrip().startswith("#"):  # a comment line: it names the next code line
                target = next(
                    n
                    for n in range(number + 1, len(lines) + 1)
                    if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")
                )
            for code in re.split(r"\s*,\s*", match.group(2)):
                found.add((match.group(1), path, target, code))
    return found


def findings(folder: Path) -> set[tuple[Path, int, str]]:
    settings = config.load(folder)
    every = config.selected(settings, ["DRP"], None)
    return {
        (Path(os.path.abspath(f.path)), f.line, f.code) for f in check([folder], settings, every)
    }


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_each_rule_flags_its_ruleid_lines_and_only_those(folder):
    expected = annotations(folder)
    codes_here = {code for _, _, _, code in expected}
    found = {f for f in findings(folder) if f[2] in codes_here}
    flagged = {(path, line, code) for kind, path, line, code in expected if kind == "ruleid"}
    clean = {(path, line, code) for kind, path, line, code in expected if kind == "ok"}

    def shown(items):
        return sorted(f"{p.relative_to(folder)}:{line} {code}" for p, line, code in items)

    assert shown(flagged - found) == [], "ruleid lines the checker did not flag"
    assert shown(found & clean) == [], "ok lines the checker flagged"
    assert shown(found - flagged) == [], "findings no ruleid comment expects"


def test_every_rule_has_four_flagged_and_four_clean_cases():
    counts = Counter((kind, code) for folder in FOLDERS for kind, _, _, code in annotations(folder))
    short = [
        f"{code}: {counts['ruleid', code]} ruleid, {counts['ok', code]} ok"
        for code in codes.RULES
        if code != "DRP000" and (counts["ruleid", code] < 4 or counts["ok", code] < 4)
    ]
    assert short == [], "rules with fewer than four cases of each kind"
