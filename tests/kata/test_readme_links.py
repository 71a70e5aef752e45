"""Every file a README links to or names exists: a moved module cannot leave a README behind."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
READMES = sorted([*REPO.glob("*.md"), *(REPO / "patterns").rglob("*.md")])
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")  # [text](target#anchor)
# `shop/checkouts/services.py` and the like, in backticks; `patterns/NN_name/…` is a
# placeholder, not a file.
NAMED_FILE = re.compile(
    r"`((?:shop|tests|patterns|bench|servers|kata|testing)/[\w/.\-]+\.(?:py|toml|md|svg))`"
)


def missing_targets(readme: Path) -> list[str]:
    text = readme.read_text()
    links = [
        target
        for target in LINK.findall(text)
        if not target.startswith(("http://", "https://", "mailto:"))
    ]
    missing = [link for link in links if not (readme.parent / link).exists()]
    named = [name for name in NAMED_FILE.findall(text) if "/NN_" not in name]
    return missing + [name for name in named if not (REPO / name).exists()]


def test_the_readmes_are_found():
    # The top one, the review page and the ten patterns' (and the search above finds them).
    assert len(READMES) >= 12, [str(r) for r in READMES]


@pytest.mark.parametrize("readme", READMES, ids=lambda r: str(r.relative_to(REPO)))
def test_every_file_a_readme_links_to_or_names_exists(readme):
    assert missing_targets(readme) == []


def test_a_moved_file_is_caught(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("See [the bench](bench/gone.py) and `servers/gone.py`.\n")
    assert missing_targets(readme) == ["bench/gone.py", "servers/gone.py"]


def test_every_nox_session_a_readme_names_exists():
    noxfile = (REPO / "noxfile.py").read_text()
    sessions = set(re.findall(r"@nox\.session[^\n]*\n(?:@[^\n]*\n)*def (\w+)", noxfile))
    benches = set(
        re.search(r"available = \[([^\]]*)\]", noxfile).group(1).replace('"', "").split(", ")
    )
    named = {
        (readme.name, session, bench)
        for readme in READMES
        for session, bench in re.findall(r"nox -s (\w+)(?: -- (\w+))?", readme.read_text())
    }
    assert {(r, s) for r, s, _ in named if s not in sessions} == set()
    assert {(r, b) for r, s, b in named if s == "bench" and b and b not in benches} == set()
    assert {"tests", "walkthrough", "bench", "compat"} <= sessions  # the search finds them
