"""The walkthrough: the patterns in order, each naive, then the article's advice, then the shop.

The patterns, their titles and rules come from their manifests (``kata/manifest.py``).

    python -m kata.walkthrough                  # all of them, three lines each
    python -m kata.walkthrough 03               # one pattern in full: the real failures, then green
    python -m kata.walkthrough 03 --update-readme   # ...and rewrite its README's output block
    python -m kata.walkthrough 08 --timeline    # ...and each concurrency test's swimlanes
    python -m kata.walkthrough readmes          # check the READMEs: the manifests' text, and
                                                    # each block against a fresh run
    python -m kata.walkthrough readmes --update # rewrite them

Run through nox: ``nox -s walkthrough``, ``nox -s pattern -- 03`` and ``nox -s readmes``.
Exits non-zero if any variant does something else than its test says (a Fails
that passes, a Holds that fails, a failure that is no AssertionError), any shop
test fails, or (readmes) a README's block, or a timeline picture's shape,
differs from what the run or the manifest gives (``kata/timelines/readme.py``,
``kata/manifest_docs.py``).
"""

import difflib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kata import manifest, manifest_docs, readme_blocks
from kata.manifest import Pattern
from kata.timelines import readme as timeline_readme
from kata.timelines import terminal

PATTERNS = manifest.PATTERNS
WIDTH = 100
LESSONS = "naive or article or counterexample"  # pytest -m: every variant but the shop
RECORD = ["-p", "testing.timelines.plugin"]  # pytest args: record each concurrency test
BLOCK = "what-goes-wrong"  # the README block a run of the lessons writes (kata/readme_blocks.py)


@dataclass
class PatternRun:
    pattern: Pattern
    expected: int = 0
    finished: int = 0
    reds: Counter = field(default_factory=Counter)  # role -> tests it failed, as expected
    red_tests: set[str] = field(default_factory=set)  # test functions some variant failed
    holds: Counter = field(default_factory=Counter)  # role -> tests it passed, as expected
    green: int = 0
    first_red: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def role_of(report: pytest.TestReport) -> str:
    """naive, article, counterexample or shop, from the markers kata/variants.py sets."""
    for role in ("naive", "article", "counterexample"):
        if role in report.keywords:
            return role
    return "shop"


class WalkthroughReporter:
    """A pytest plugin that prints one block per pattern as its tests finish."""

    def __init__(self, runs: list[PatternRun]) -> None:
        self.by_folder = {run.pattern.folder: run for run in runs}
        self.runs = runs

    def run_of(self, nodeid: str) -> PatternRun | None:
        parts = nodeid.split("/")
        return self.by_folder.get(parts[1]) if len(parts) > 2 and parts[0] == "patterns" else None

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        # Replace pytest's own per-test output with one block per pattern.
        standard = config.pluginmanager.getplugin("terminalreporter")
        if standard is not None:
            config.pluginmanager.unregister(standard)

    @pytest.hookimpl(wrapper=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]):
        written_order = {item.nodeid: n for n, item in enumerate(items)}
        result = yield  # pytest-django regroups tests by database use in here
        # A walkthrough goes in pattern order, and within a pattern as its tests are written.
        items.sort(key=lambda item: (item.nodeid.split("::")[0], written_order[item.nodeid]))
        return result

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            run = self.run_of(report.nodeid)
            problem = f"could not collect {report.nodeid}:\n{report.longreprtext}"
            if run:
                run.problems.append(problem)
            else:
                print(problem)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            if run := self.run_of(item.nodeid):
                run.expected += 1
        print(
            f"Walking through {len(self.runs)} patterns: the naive variant, the article's advice "
            "followed exactly, then the shop, against the same assertions.\n"
        )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        run = self.run_of(report.nodeid)
        if run is None:
            return
        role = role_of(report)
        if hasattr(report, "wasxfail") and report.skipped:
            run.reds[role] += 1
            run.red_tests.add(report.nodeid.split("[")[0])  # one per test, whatever the variant
            run.first_red.setdefault(role, first_assertion_message(report))
        elif report.failed:
            what = (
                f"the {role} variant passed a test it should fail (strict xfail)"
                if role != "shop"
                and report.when == "call"
                and "[XPASS(strict)]" in report.longreprtext
                else "failed"
            )
            run.problems.append(f"{report.nodeid} {what}:\n{report.longreprtext[-1500:]}")
        elif report.when == "call" and report.passed:
            if role == "shop":
                run.green += 1
            else:
                run.holds[role] += 1
        elif report.skipped and report.when in ("setup", "call"):
            run.problems.append(f"{report.nodeid} was skipped: {report.longrepr[-1]}")
        if report.when == "teardown":
            run.finished += 1
            if run.finished == run.expected:
                print_run(run)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for run in self.runs:
            if run.expected == 0:
                print_run(run)


def first_assertion_message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash else str(report.longrepr)
    return message.removeprefix("AssertionError: ").split("\nassert ")[0].strip()


def verdict(run: PatternRun, role: str) -> str:
    """``red in 3 of 5: <first failure>`` or ``holds in all 5``."""
    red, held = run.reds[role], run.holds[role]
    if not red:
        return f"holds in all {held}" if held else "MISSING: no test runs it"
    held_too = f", holds in {held}" if held else ""
    return f"red in {red} of {red + held}{held_too}: {shorten(run.first_red[role])}"


def print_run(run: PatternRun) -> None:
    print(f"[{run.pattern.number}/{len(manifest.patterns())}] {run.pattern.title}")
    print(wrapped("rule   ", run.pattern.rule))
    print(wrapped("naive  ", verdict(run, "naive")))
    print(wrapped("article", verdict(run, "article")))
    # Counted once per test, however many variants failed it: the shop runs each once.
    reds = len(run.red_tests)
    also = " (with the counterexample's)" if run.reds["counterexample"] else ""
    print(
        wrapped(
            "shop   ",
            f"green: {run.green} passed, the {reds} test{'s' * (reds != 1)} red above among "
            f"them{also}",
        )
    )
    if not run.reds["naive"]:
        run.problems.append("no naive variant failed")
    for problem in run.problems:
        print(textwrap.indent(f"PROBLEM: {problem}", "        "))
    print()


def shorten(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def wrapped(label: str, text: str) -> str:
    return textwrap.fill(
        text, WIDTH, initial_indent=f"    {label} ", subsequent_indent=" " * (len(label) + 5)
    )


def walk(pytest_args: list[str]) -> int:
    runs = [PatternRun(pattern) for pattern in manifest.patterns()]
    reporter = WalkthroughReporter(runs)
    folders = [f"patterns/{run.pattern.folder}" for run in runs]
    exit_code = pytest.main([*folders, "-p", "no:randomly", *pytest_args], plugins=[reporter])
    clean = [run for run in runs if run.reds["naive"] and run.green and not run.problems]
    problems = sum(len(run.problems) for run in runs)
    article_holds = [run.pattern.number for run in runs if not run.reds["article"]]
    print(
        f"{len(runs)} patterns; {len(clean)} red → green; "
        f"the article's advice holds in {len(article_holds)} "
        f"({', '.join(article_holds) or 'none'}) and fails somewhere in the other "
        f"{len(runs) - len(article_holds)}" + (f"; {problems} problem(s) above" if problems else "")
    )
    return 1 if problems or exit_code not in (0, 5) else 0


# --- One pattern in full, and the README blocks that come from its run ----------------------------


def run_lessons(
    folder: str,
    pytest_args: list[str],
    *,
    quiet: bool,
    timelines: Path | None = None,
    with_shop: bool = False,
) -> tuple[int, dict]:
    """Run one pattern's naive, article and counterexample variants for real (--runxfail).

    Returns pytest's exit code and the summary (``kata/summary.py``): the README
    block and the problems. Its own process, so the rows it writes, and the ids in
    its messages, depend on this pattern's tests alone. With ``timelines`` every
    concurrency test's recording is saved there; ``with_shop`` runs the shop's
    side of each kata test too (the summary looks at the lessons only).
    """
    with tempfile.TemporaryDirectory() as scratch:
        summary_file = Path(scratch) / "summary.json"
        verbosity = ["-q", "--tb=short"] if quiet else ["-v", "--tb=short"]
        marks = f"{LESSONS} or shop" if with_shop else LESSONS
        command = [
            sys.executable, "-m", "pytest", f"patterns/{folder}", "-p", "no:randomly",
            "-p", "kata.summary", "-m", marks, "--runxfail", *verbosity, *pytest_args,
        ]  # fmt: skip
        env = {**os.environ, "KATA_SUMMARY": str(summary_file)}
        if timelines:
            command += RECORD
            env["KATA_TIMELINE_DIR"] = str(timelines)
        run = subprocess.run(command, env=env, capture_output=quiet, text=True)
        if not summary_file.exists():
            output = (run.stdout or "") + (run.stderr or "") if quiet else ""
            return run.returncode, {
                "block": "",
                "problems": [f"the run wrote no summary\n{output}"],
            }
        return run.returncode, json.loads(summary_file.read_text())


def readme_block(folder: str) -> str | None:
    """The "what goes wrong" block in a pattern's README, or None if it has no markers."""
    inside = readme_blocks.read((PATTERNS / folder / "README.md").read_text(), BLOCK)
    return None if inside is None else inside.removeprefix("```text\n").removesuffix("\n```")


def write_readme_block(number: str, folder: str, block: str) -> None:
    readme = PATTERNS / folder / "README.md"
    try:
        text = readme_blocks.replace(
            readme.read_text(),
            BLOCK,
            f"```text\n{block}\n```",
            note=f"generated by `nox -s pattern -- {number} --update-readme`, "
            "checked by `nox -s readmes`",
        )
    except readme_blocks.BlockMissing as missing:
        raise SystemExit(f"{readme}: {missing}") from missing
    readme.write_text(text)


def show_pattern(number: str, args: list[str]) -> int:
    """One pattern in full: its variants' real failures, then the shop's run."""
    found = manifest.pattern(number)
    if found is None:
        known = ", ".join(pattern.number for pattern in manifest.patterns())
        print(f"No pattern {number!r}. Choose one of: {known}.")
        return 2
    number, folder, title = found.number, found.folder, found.title
    update = "--update-readme" in args
    show_timelines = "--timeline" in args
    pytest_args = [a for a in args if a not in ("--update-readme", "--timeline")]
    with tempfile.TemporaryDirectory() as scratch:
        # The README's pictures and the terminal's swimlanes come from these two runs.
        recording = Path(scratch) if update or show_timelines else None
        red, summary, green = run_pattern(number, folder, title, pytest_args, recording)
        recorded = timeline_readme.recordings(recording) if recording else {}

    if show_timelines:
        print(
            "\n=== 3. The timelines: what each thread of each concurrency test did, "
            "the variants one after the other\n"
        )
        print("\n".join(terminal.everything(recorded)))
    if summary["problems"]:
        print("\nProblems: " + "\n".join(summary["problems"]))
        return 1
    if red != 1:
        print(f"\nExpected the lessons' run to fail (exit 1), it exited {red}.")
        return 1
    if update:
        write_readme_block(number, folder, summary["block"])
        problems = timeline_readme.update(PATTERNS / folder, number, recorded)
        print(f"\nRewrote the output block and the timelines in patterns/{folder}/README.md.")
        if problems:
            print("Problems: " + "\n".join(problems))
            return 1
    elif readme_block(folder) not in (None, summary["block"]):
        print(
            f"\nNote: patterns/{folder}/README.md shows another output; "
            f"`nox -s pattern -- {number} --update-readme` rewrites it."
        )
    return green.returncode


def run_pattern(
    number: str, folder: str, title: str, pytest_args: list[str], recording: Path | None
) -> tuple[int, dict, subprocess.CompletedProcess]:
    """The lessons' run, then the shop's; both record their timelines in ``recording``."""
    print(f"=== Pattern {number}: {title}")
    print(
        "=== 1. The naive variant and the article's advice, run for real (--runxfail): "
        "their failures are the lesson\n",
        flush=True,
    )
    red, summary = run_lessons(folder, pytest_args, quiet=False, timelines=recording)
    print("\n=== 2. The shop's implementation: the same assertions, green\n", flush=True)
    env = {**os.environ, "KATA_TIMELINE_DIR": str(recording)} if recording else None
    green = subprocess.run(
        [sys.executable, "-m", "pytest", f"patterns/{folder}", "-p", "no:randomly",
         "-m", f"not ({LESSONS})", "-v", *pytest_args, *(RECORD if recording else [])],
        env=env,
    )  # fmt: skip
    return red, summary, green


def check_manifest_docs(update: bool) -> bool:
    """The READMEs' text from the manifests (``kata/manifest_docs.py``), rewritten first
    with ``update``; and every function, file and test a manifest names. True if all agree."""
    if update:
        for readme in manifest_docs.update():
            print(f"{readme}: rewritten from the manifests")
    problems = manifest_docs.stale()
    problems += [gone for pattern in manifest.patterns() for gone in manifest.dangling(pattern)]
    print("\n".join(problems) or "The READMEs say what the manifests say.")
    return not problems


def check_readmes(update: bool) -> int:
    """Every README's output block against a fresh run of its pattern; or rewrite them all.

    First the text the manifests make (the tables, the rules, the review questions).
    Then, per pattern, the verdict its manifest gives the article's advice: "fails"
    when any test of the article's variant fails, else "holds"; and the timeline
    pictures its README asks for, by their shape (the shop's side runs too).
    """
    stale = [] if check_manifest_docs(update) else ["the manifests' text"]
    for pattern in manifest.patterns():
        number, folder, title = pattern.number, pattern.folder, pattern.title
        pictures = timeline_readme.wanted(PATTERNS / folder / "README.md")
        with tempfile.TemporaryDirectory() as scratch:
            recording = Path(scratch) if pictures else None
            code, summary = run_lessons(
                folder, [], quiet=True, timelines=recording, with_shop=bool(pictures)
            )
            recorded = timeline_readme.recordings(recording) if recording else {}
        shown = readme_block(folder)
        verdict = "fails" if summary.get("failures", {}).get("article") else "holds"
        if pattern.article_verdict != verdict:
            print(
                f"{number} {title}: its manifest says the article's advice "
                f"{pattern.article_verdict}, the run says it {verdict}"
            )
            stale.append(number)
            continue
        if summary["problems"] or code != 1:
            print(f"{number} {title}: PROBLEM (exit {code})\n" + "\n".join(summary["problems"]))
            stale.append(number)
        elif update:
            write_readme_block(number, folder, summary["block"])
            problems = timeline_readme.update(PATTERNS / folder, number, recorded)
            print(f"{number} {title}: rewritten" + "".join(f"\n  {p}" for p in problems))
            if problems:
                stale.append(number)
        elif shown is None:
            print(f"{number} {title}: its README has no generated block")
            stale.append(number)
        elif shown != summary["block"]:
            diff = difflib.unified_diff(
                shown.splitlines(),
                summary["block"].splitlines(),
                "README.md",
                "this run",
                lineterm="",
            )
            print(f"{number} {title}: the README differs from the run\n" + "\n".join(diff))
            stale.append(number)
        elif problems := timeline_readme.check(PATTERNS / folder, recorded):
            print(f"{number} {title}: its timelines differ from the run\n" + "\n".join(problems))
            stale.append(number)
        else:
            print(f"{number} {title}: up to date")
    if stale:
        print(
            f"\n{len(stale)} README(s) out of date or in trouble: {', '.join(stale)}. "
            "`nox -s readmes -- --update` rewrites the blocks and timelines from a run."
        )
    return 1 if stale else 0


def with_one_database(work):
    """Run ``work()`` with one database (a throwaway PostgreSQL) for all the pattern runs it starts."""
    sys.path.insert(0, str(manifest.REPO))
    from servers.postgres import database_url_or_throwaway

    with database_url_or_throwaway():
        return work()


def main(argv: list[str]) -> int:
    if argv and argv[0].isdigit():
        return show_pattern(argv[0], argv[1:])
    if argv and argv[0] == "readmes":
        return with_one_database(lambda: check_readmes(update="--update" in argv[1:]))
    return walk(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
