"""Practice mode: a learner's copy starts red, turns green when fixed, and can start over;
`--watch` gives a new verdict after each save."""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from kata import manifest
from kata import practice as practice_command
from kata.practice_watch import WatchSession

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def practice_database() -> Iterator[str | None]:
    """The DATABASE_URL of the practice runs here: this run's PostgreSQL, under a name of their
    own (one per xdist worker, so never our test database's), so none starts a server of its own.

    The runs keep their test database between them (``--reuse-db``), so only the first of
    them migrates it; it is dropped at the end. On another database, None: each run starts
    a throwaway PostgreSQL of its own, as a learner's does.
    """
    if connection.vendor != "postgresql":
        yield None
        return
    server = urlsplit(os.environ["DATABASE_URL"])
    name = f"kata_practice_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    yield server._replace(path=f"/{name}").geturl()
    with psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "test_{name}" WITH (FORCE)')


@pytest.fixture
def practice(tmp_path, practice_database, monkeypatch, capfd):
    """``practice("04", "--from", "article")``: ``python -m kata.practice`` in this process, its
    copies in ``tmp_path``: (exit code, what it printed, the test run it started included)."""
    monkeypatch.setenv("KATA_PRACTICE_DIR", str(tmp_path))
    if practice_database:
        monkeypatch.setenv("DATABASE_URL", practice_database)
        monkeypatch.setenv("PYTEST_ADDOPTS", f"{os.environ.get('PYTEST_ADDOPTS', '')} --reuse-db")
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)  # its own throwaway server

    def run(*args: str) -> tuple[int, str]:
        capfd.readouterr()
        code = practice_command.main(list(args))
        return code, capfd.readouterr().out

    return run


def progress_of(practice, title: str) -> str:
    return practice()[1].split(title)[1].splitlines()[0]


def test_a_fresh_copy_fails_then_passes_once_fixed_then_starts_over(tmp_path, practice):
    code, out = practice("04")
    assert code == 1, out[-2000:]
    copy = tmp_path / "04_staff_throttle" / "naive.py"
    assert copy.read_text() == (REPO / "patterns/04_staff_throttle/naive.py").read_text()

    # The fix: exempt staff, and decide how many proxies stand in front.
    fixed = (REPO / "patterns/04_staff_throttle/article.py").read_text()
    copy.write_text(fixed.replace("NUM_PROXIES = None", "NUM_PROXIES = 0"))
    code, out = practice("04")
    assert code == 0, out[-2000:]
    assert progress_of(practice, "Staff-exempt throttles").split() == ["done", "not", "started"]

    practice("04", "--reset")
    assert not copy.exists()


def test_practice_can_start_from_the_articles_advice(tmp_path, practice):
    code, out = practice("04", "--from", "article")
    assert code == 1, out[-2000:]
    copy = tmp_path / "04_staff_throttle" / "article.py"
    assert not (tmp_path / "04_staff_throttle" / "naive.py").exists()

    copy.write_text(copy.read_text().replace("NUM_PROXIES = None", "NUM_PROXIES = 0"))
    code, out = practice("04", "--from", "article")
    assert code == 0, out[-2000:]
    assert progress_of(practice, "Staff-exempt throttles").split() == ["not", "started", "done"]


def test_a_pattern_whose_naive_code_is_the_articles_says_so(practice):
    code, out = practice("02", "--from", "article")

    assert code == 2
    assert "nox -s practice -- 02" in out


def test_hints_come_one_at_a_time_from_the_manifest(practice):
    hints = manifest.pattern("08").hints

    first = practice("08", "--hint")[1]
    second = practice("08", "--hint")[1]

    assert first == f"Hint 1 of {len(hints)}: {hints[0]}\n"
    assert second == f"Hint 2 of {len(hints)}: {hints[1]}\n"


def test_an_unknown_pattern_is_refused_with_the_choices(practice):
    code, out = practice("42")

    assert code == 2
    assert "01, 02, 03" in out


def test_watch_reruns_on_each_save_and_says_when_the_copy_passes(
    tmp_path, practice, practice_database
):
    """``python -m kata.practice 04 --watch`` in a subprocess: a verdict, a save, a new verdict
    (bounded waits)."""
    session = WatchSession("04", tmp_path, database_url=practice_database)
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
    assert progress_of(practice, "Staff-exempt throttles").split()[0] == "done"
