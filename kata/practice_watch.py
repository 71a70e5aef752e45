"""Practice that watches: rerun a pattern's tests on the learner's copy each time it is saved.

    python -m kata.practice 08 --watch           what ``nox -s practice -- 08 --watch`` runs
    python -m kata.practice 08 --measure-watch   time save -> verdict, print the table
                                      (--update-readme writes it into the top README)

Fast after the first run, on two cores, because nothing is done twice:

- one throwaway PostgreSQL for the whole session (or ``DATABASE_URL``); the test
  database is created and migrated by the first run (``--create-db``, so a session
  never inherits a stale one), and the runs after it use it as it is
  (``ReadyDatabase``): a save changes the learner's copy, never the schema;
- a warm process: multiprocessing's fork server imports Django, DRF, pytest and
  the rest once (``kata/warm.py``); each run is a fresh fork of it, so the learner's copy is loaded
  anew every time and no state leaks from one run into the next;
- a failure's verdict is its crash line, so a failed test's traceback is not
  formatted frame by frame (``--tb=line`` once collection is done).

A save during a run is picked up when the run ends (runs are never killed
halfway: a transactional test killed before its flush would leave rows behind).
"""

import multiprocessing
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kata import manifest, readme_blocks
from kata.manifest import Pattern

REPO = Path(__file__).resolve().parent.parent
CLEAR = "\033[2J\033[H"
BLOCK = "watch-timing"  # the top README's block of measured timings (kata/readme_blocks.py)


# --- One run, in a fork of the warm process -----------------------------------------------------


class ReadyDatabase:
    """The test database as the session's first run left it: created, migrated, kept.

    pytest-django's documented way to use a test database that is already there is
    to override ``django_db_setup``; this does, for the runs after the first, so
    that no run migrates again (a third of a second with nothing to apply). The
    name is the one pytest-django's own set-up gives it (suffixes included).
    """

    @pytest.fixture(scope="session")
    def django_db_setup(self, django_db_modify_db_settings) -> None:
        from django.db import connections

        for connection in connections.all():
            connection.close()
            connection.settings_dict["NAME"] = connection.creation._get_test_db_name()


class Verdicts:
    """A pytest plugin noting each test's outcome and its first line of failure.

    It answers as soon as every test has its verdict: what pytest does after that (the
    last test's teardown, a flush for a transactional one; a garbage collection or two)
    is no part of the learner's wait. It cannot change the verdict (a teardown failing
    after the call's verdict is not one), and the next run starts after it has ended.
    """

    def __init__(self, answer, database_ready: bool) -> None:
        self.answer = answer
        self.answered = False
        self.database_ready = database_ready
        self.tests: list[dict] = []
        self.broken: list[str] = []  # collection errors: the copy does not import
        self.written_order: dict[str, int] = {}

    def pytest_configure(self, config) -> None:
        if self.database_ready:  # registered last, so its django_db_setup is the one used
            config.pluginmanager.register(ReadyDatabase(), "kata-ready-database")

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        result = yield
        if fixturedef.argname == "django_db_setup":
            # The runs after this one may use it as it is, if it outlives this process
            # (not SQLite's in-memory test database, made anew by each run).
            from django.db import connections

            self.database_ready = not any(
                c.vendor == "sqlite" and c.creation.is_in_memory_db(c.settings_dict["NAME"])
                for c in connections.all()
            )
        return result

    def pytest_collection_finish(self, session) -> None:
        # The first failure in the order the tests are written, not the order they ran
        # (pytest-django runs transactional tests last).
        located = sorted(session.items, key=lambda item: (item.location[0], item.location[1] or 0))
        self.written_order = {item.nodeid: n for n, item in enumerate(located)}
        # A failure's verdict is its crash line (report.longrepr.reprcrash), found whatever
        # the traceback's style; "line" spares formatting each frame with its source. Set
        # after collection: a copy that does not load still shows its short traceback.
        session.config.option.tbstyle = "line"

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.broken.append(report.longreprtext[-1500:])

    def pytest_runtest_logreport(self, report) -> None:
        from kata.summary import assertion_message

        if report.when == "call" or report.failed:
            if report.when != "call" and any(t["id"] == report.nodeid for t in self.tests):
                return  # a teardown failing after the call's verdict
            _, message, where = assertion_message(report) if report.failed else ("", "", "")
            self.tests.append(
                {"id": report.nodeid, "passed": report.passed, "message": message, "where": where}
            )
            if len(self.tests) == len(self.written_order) and not self.broken:
                self.send()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        self.send()  # if not yet: a copy that does not load, a test skipped, no test at all

    def send(self) -> None:
        if self.answered:
            return
        self.answered = True
        self.tests.sort(key=lambda t: self.written_order.get(t["id"], len(self.written_order)))
        self.answer.send(
            {"tests": self.tests, "broken": self.broken, "database": self.database_ready}
        )
        self.answer.close()


def run_once(folder: str, origin: str, database_ready: bool, answer) -> None:
    """The fork's work: the pattern's tests on the copy, quietly; the verdicts down ``answer``."""
    os.chdir(REPO)
    os.environ["KATA_PRACTICE"] = "1"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    args = [
        f"patterns/{folder}", "-m", origin, "--runxfail", "-q", "-p", "no:randomly",
        "--reuse-db", *([] if database_ready else ["--create-db"]),
    ]  # fmt: skip
    pytest.main(args, plugins=[Verdicts(answer, database_ready)])


class WarmRunner:
    """Each run in a fresh fork of a process that has imported the heavy parts once."""

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["kata.warm"])
        self.runs = 0
        self.database_ready = False  # until a run has created and migrated the test database
        self.previous = None

    def run(self, folder: str, origin: str) -> dict:
        if self.previous is not None:
            self.previous.join()  # its cleanup, after its answer: done long before a save, mostly
        receive, send = self.context.Pipe(duplex=False)
        child = self.context.Process(
            target=run_once, args=(folder, origin, self.database_ready, send), daemon=True
        )
        child.start()
        send.close()
        try:
            result = receive.recv()
        except EOFError:
            result = {"tests": [], "broken": ["the test run ended without a verdict"]}
        self.previous = child
        self.runs += 1
        self.database_ready = result.get("database", self.database_ready)
        return result


# --- What the learner sees ------------------------------------------------------------------------


def where_the_shop_does_it(pattern: Pattern) -> list[str]:
    """The shop's side of the pattern, from its manifest: the lines shown once a copy passes."""
    return [
        "The shop solves the same thing in:",
        *(f"  {part.file}  {part.name}" for part in pattern.shop),
        f"Compare with the story of the fix: patterns/{pattern.folder}/README.md#the-fix",
    ]


def verdict_lines(result: dict, pattern: Pattern, origin: str) -> tuple[bool, list[str]]:
    tests = result["tests"]
    if result["broken"] or not tests:
        why = (result["broken"] or ["no test ran"])[0].strip().splitlines()
        return False, ["Your copy does not load; the tests cannot run:", *why[-12:]]
    passed = sum(t["passed"] for t in tests)
    lines = [f"{passed} of {len(tests)} passing"]
    if passed == len(tests):
        lines += [
            f"All {len(tests)} passing: done. Your copy passes every check the {origin} code failed.",
            "",
            *where_the_shop_does_it(pattern),
        ]
        return True, lines
    failure = next(t for t in tests if not t["passed"])
    name = failure["id"].split("::")[-1]
    lines += ["", f"First failure: {name}", f"  {failure['message']}"]
    if failure["where"]:
        lines.append(f"  ({failure['where']})")
    return False, lines


def watch(pattern: Pattern, origin: str, copy: Path) -> int:
    """Run, show, wait for a save, run again; until Ctrl-C."""
    import watchfiles

    sys.path.insert(0, str(REPO))
    from servers.postgres import database_url_or_throwaway

    runner = WarmRunner()
    shown = copy.relative_to(REPO) if copy.is_relative_to(REPO) else copy

    def run_and_show(saved_at: float | None) -> None:
        started = time.time()
        result = runner.run(pattern.folder, origin)
        done, lines = verdict_lines(result, pattern, origin)
        if done:
            (copy / f".done-{origin}").touch()
        print(CLEAR if sys.stdout.isatty() else "\n" + "─" * 72)
        print(f"Pattern {pattern.number}: {pattern.rule}")
        print(f"Run {runner.runs}, watching {shown}/ (save a file to rerun; Ctrl-C stops)\n")
        print("\n".join(lines))
        if saved_at is None:
            print(f"\nFirst run: {time.time() - started:.1f} s (it sets up the test database).")
        else:
            print(f"\nVerdict {time.time() - saved_at:.1f} s after your save.")
        sys.stdout.flush()

    # One watcher for the session, live before the first run: a save made during a
    # run is there when it ends. It wakes every 100 ms with nothing, which is skipped.
    # A save is answered once 20 ms pass without another change (watchfiles' step, 50 by
    # default): an editor's writes for one save come within a few milliseconds.
    saves = watchfiles.watch(
        copy,
        watch_filter=watchfiles.PythonFilter(),
        yield_on_timeout=True,
        rust_timeout=100,
        step=20,
    )
    with database_url_or_throwaway():
        try:
            next(saves)
            run_and_show(None)
            for changes in saves:
                if changes:
                    saved = [Path(p).stat().st_mtime for _, p in changes if Path(p).exists()]
                    run_and_show(max(saved, default=time.time()))
        except KeyboardInterrupt:
            print("\nStopped watching.")
            return 0


# --- Driving a watch session from outside: the kata's test, and the measurement -------------------


@dataclass
class Verdict:
    passing: int
    total: int
    seconds: float  # as the watcher measured it: from the save (file mtime), or the start
    text: str


class WatchSession:
    """``python -m kata.practice NN --watch`` in a subprocess, read verdict by verdict.

    Its database is ``database_url`` if given (a server already running, under a name of
    the session's own), else a throwaway server of its own, as a learner's session has.
    """

    def __init__(
        self,
        number: str,
        practice_dir: Path,
        origin: str = "naive",
        database_url: str | None = None,
    ) -> None:
        env = {**os.environ, "KATA_PRACTICE_DIR": str(practice_dir), "PYTHONUNBUFFERED": "1"}
        env.pop("DATABASE_URL", None)  # never the caller's: its test database would take ours
        if database_url:
            env["DATABASE_URL"] = database_url
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kata.practice", number, "--watch", "--from", origin],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)  # the watcher has exited

    def next_verdict(self, within: float) -> Verdict:
        """Read until the next verdict; fail after ``within`` seconds."""
        deadline = time.monotonic() + within
        text: list[str] = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.output.append(line)
            text.append(line)
            seconds = re.search(r"^(?:Verdict|First run:) ([\d.]+) s", line)
            if seconds:
                joined = "".join(text)
                counts = re.search(r"^(\d+) of (\d+) passing", joined, re.M)
                passing, total = (int(counts[1]), int(counts[2])) if counts else (0, 0)
                return Verdict(passing, total, float(seconds[1]), joined)
        raise TimeoutError(f"no verdict within {within} s:\n{''.join(self.output)[-3000:]}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT, as Ctrl-C: the watcher stops its server
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.returncode


def measure(pattern: Pattern, saves: int = 5) -> tuple[Verdict, list[Verdict]]:
    """A watch session on a fresh copy: the first run, then ``saves`` saves, one at a time."""
    with tempfile.TemporaryDirectory() as scratch:
        session = WatchSession(pattern.number, Path(scratch))
        try:
            first = session.next_verdict(within=300)
            copy = next(p for p in (Path(scratch) / pattern.folder).glob("*.py"))
            original = copy.read_text()
            later = []
            for n in range(saves):
                copy.write_text(f"{original}\n# save {n + 1}\n")
                later.append(session.next_verdict(within=120))
        finally:
            session.stop()
    return first, later


def time_saves(pattern: str = "08", saves: int = 3) -> list[float]:
    """Seconds from each save to its verdict, in a watch session on a fresh copy of the pattern's
    naive code, with a throwaway PostgreSQL of its own, as a learner's (``measure``); the first
    run, which sets up the test database, is not one of them. For ``nox -s bench -- kata``."""
    found = manifest.pattern(pattern)
    if found is None:
        raise ValueError(f"no pattern {pattern!r}")
    _, later = measure(found, saves)
    return [verdict.seconds for verdict in later]


def timing_table(number: str, first: Verdict, later: list[Verdict]) -> str:
    cores, load = os.cpu_count(), os.getloadavg()[0]
    rows = [
        f"Save to verdict, `nox -s practice -- {number} --watch` ({first.total} tests), "
        f"{cores} cores (load average {load:.1f} at the end), Python {sys.version.split()[0]}:",
        "",
        "| run | seconds |",
        "| --- | --- |",
        f"| first (creates the test database) | {first.seconds:.1f} |",
        *(f"| save {n} | {v.seconds:.1f} |" for n, v in enumerate(later, 1)),
        f"| median of the saves | {sorted(v.seconds for v in later)[len(later) // 2]:.1f} |",
    ]
    return "\n".join(rows)


def write_timing(table: str, number: str) -> None:
    readme = REPO / "README.md"
    try:
        text = readme_blocks.replace(
            readme.read_text(),
            BLOCK,
            table,
            note=f"generated by `nox -s practice -- {number} --measure-watch --update-readme`",
        )
    except readme_blocks.BlockMissing as missing:
        raise SystemExit(f"README.md: {missing}") from missing
    readme.write_text(text)


def measure_and_report(pattern: Pattern, update: bool) -> int:
    first, later = measure(pattern)
    table = timing_table(pattern.number, first, later)
    print(table)
    if update:
        write_timing(table, pattern.number)
        print("\nWrote the table into README.md.")
    return 0
