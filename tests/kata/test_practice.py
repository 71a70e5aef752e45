"""Practice mode: a learner's copy starts red, turns green when fixed, and can start over;
`--watch` gives a new verdict after each save."""

import os
import subprocess
import sys
from pathlib import Path

from kata import manifest
from kata.practice_watch import WatchSession

REPO = Path(__file__).resolve().parents[2]


def practice(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KATA_PRACTICE_DIR": str(tmp_path)}
    # Its own throwaway server: sharing ours, its test database could take our name.
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "kata.practice", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def progress_of(tmp_path: Path, title: str) -> str:
    return practice(tmp_path).stdout.split(title)[1].splitlines()[0]


def test_a_fresh_copy_fails_then_passes_once_fixed_then_starts_over(tmp_path):
    red = practice(tmp_path, "04")
    assert red.returncode == 1, red.stdout[-2000:]
    copy = tmp_path / "04_staff_throttle" / "naive.py"
    assert copy.read_text() == (REPO / "patterns/04_staff_throttle/naive.py").read_text()

    # The fix: exempt staff, and decide how many proxies stand in front.
    fixed = (REPO / "patterns/04_staff_throttle/article.py").read_text()
    copy.write_text(fixed.replace("NUM_PROXIES = None", "NUM_PROXIES = 0"))
    green = practice(tmp_path, "04")
    assert green.returncode == 0, green.stdout[-2000:]
    assert progress_of(tmp_path, "Staff-exempt throttles").split() == ["done", "not", "started"]

    practice(tmp_path, "04", "--reset")
    assert not copy.exists()


def test_practice_can_start_from_the_articles_advice(tmp_path):
    red = practice(tmp_path, "04", "--from", "article")
    assert red.returncode == 1, red.stdout[-2000:]
    copy = tmp_path / "04_staff_throttle" / "article.py"
    assert not (tmp_path / "04_staff_throttle" / "naive.py").exists()

    copy.write_text(copy.read_text().replace("NUM_PROXIES = None", "NUM_PROXIES = 0"))
    green = practice(tmp_path, "04", "--from", "article")
    assert green.returncode == 0, green.stdout[-2000:]
    assert progress_of(tmp_path, "Staff-exempt throttles").split() == ["not", "started", "done"]


def test_a_pattern_whose_naive_code_is_the_articles_says_so(tmp_path):
    result = practice(tmp_path, "02", "--from", "article")

    assert result.returncode == 2
    assert "nox -s practice -- 02" in result.stdout


def test_hints_come_one_at_a_time_from_the_manifest(tmp_path):
    hints = manifest.pattern("08").hints

    first = practice(tmp_path, "08", "--hint").stdout
    second = practice(tmp_path, "08", "--hint").stdout

    assert first == f"Hint 1 of {len(hints)}: {hints[0]}\n"
    assert second == f"Hint 2 of {len(hints)}: {hints[1]}\n"


def test_an_unknown_pattern_is_refused_with_the_choices(tmp_path):
    result = practice(tmp_path, "42")

    assert result.returncode == 2
    assert "01, 02, 03" in result.stdout


def test_watch_reruns_on_each_save_and_says_when_the_copy_passes(tmp_path):
    """``--watch`` in a subprocess of its own: a verdict, a save, a new verdict (bounded waits)."""
    session = WatchSession("04", tmp_path)
    try:
        red = session.next_verdict(within=300)
        copy = tmp_path / "04_staff_throttle" / "naive.py"
        fixed = (REPO / "patterns/04_staff_throttle/article.py").read_text()
        copy.write_text(fixed.replace("NUM_PROXIES = None", "NUM_PROXIES = 0"))
        green = session.next_verdict(within=120)
    finally:
        stopped = session.stop()

    assert red.passing < red.total, red.text
    assert (green.passing, green.total) == (red.total, red.total), green.text
    assert "shop/users/throttles.py  AdminExemptUserRateThrottle" in green.text  # its manifest
    assert (tmp_path / "04_staff_throttle" / ".done-naive").exists()
    assert stopped == 0, "".join(session.output)[-2000:]
    assert progress_of(tmp_path, "Staff-exempt throttles").split()[0] == "done"
