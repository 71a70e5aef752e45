"""Benchmark: drf-review (review/) on real Django projects no one here wrote, beside flake8.

    nox -s bench -- review            (or: python -m bench.review)

Downloads pinned source distributions from PyPI with pip (``pip download --no-deps
--no-binary :all:``) into ``~/.cache/drf-review-corpus`` (``DRF_REVIEW_CORPUS`` moves
it), once, and unpacks them there: nothing lands in the repository. Then, per project:

- drf-review's findings per rule, the files they are in, and each rule's time (the
  rules timed in this process, on the index the command builds);
- the command itself, ``python -m drf_review``, beside ``flake8 --select F --jobs 1``
  (pyflakes' checks through flake8, one process like drf-review) and pyflakes alone, on
  the same files: seconds and files per second, best of ``RUNS`` (``DRF_REVIEW_RUNS``, 3).

drf-review runs from its source (``review/src``), not installed here, so flake8 does
not load it as a plugin and times only its own checks. The labelled findings (true or
false positive, and why) are in ``review/README.md``; ``--show CODE`` prints a rule's
first findings with their code, for labelling.
"""

import os
import subprocess
import sys
import tarfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench.report import machine, print_table

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "review" / "src"
# Django projects from PyPI whose source distributions pip can download and prepare.
# pretix (2026.8.0, 2025.10.0) is left out: pip cannot prepare its sdist's metadata
# (its build dependencies conflict over importlib_metadata).
CORPUS = [
    ("django-axes", "8.3.1"),
    ("djoser", "2.3.5"),
    ("dj-rest-auth", "7.0.1"),
    ("django-allauth", "65.22.1"),
    ("djangorestframework", "3.16.1"),
    ("django-oscar", "4.2.1"),
    ("wagtail", "8.0.1"),
]
RUNS = int(os.environ.get("DRF_REVIEW_RUNS", "3"))


def corpus_folder() -> Path:
    return Path(os.environ.get("DRF_REVIEW_CORPUS", Path.home() / ".cache" / "drf-review-corpus"))


def fetch(name: str, version: str) -> Path:
    """The unpacked sdist of ``name==version``, downloaded on first use."""
    folder = corpus_folder()
    unpacked = folder / "src" / f"{name}-{version}"
    if unpacked.is_dir():
        return unpacked
    sdists = folder / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    prefix = name.replace("-", "_").lower()
    found = [
        p
        for p in sdists.iterdir()
        if p.name.replace("-", "_").lower().startswith(f"{prefix}_{version}.")
    ]
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", f"{name}=={version}", "--dest", str(sdists)],
            check=True,
        )  # fmt: skip
        found = [
            p
            for p in sdists.iterdir()
            if p.name.replace("-", "_").lower().startswith(f"{prefix}_{version}.")
        ]
    with tarfile.open(found[0]) as archive:
        archive.extractall(folder / "src" / "tmp", filter="data")
    [top] = (folder / "src" / "tmp").iterdir()
    top.rename(unpacked)
    (folder / "src" / "tmp").rmdir()
    return unpacked


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str]:
    """Best of RUNS, and the last run's output."""
    best, output = float("inf"), ""
    for _ in range(RUNS):
        start = time.perf_counter()
        run = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
        best = min(best, time.perf_counter() - start)
        output = run.stdout
    return best, output


def per_rule(project: Path) -> tuple[dict, list]:
    """Each rule's time and the findings, in this process (rules wrapped with a clock)."""
    sys.path.insert(0, str(SOURCE))
    from drf_review import config, engine, rules

    clock: Counter = Counter()
    original = list(rules.CHECKS)

    def with_clock(rule):
        def run(context):
            start = time.perf_counter()
            found = list(rule(context))
            clock[rule.__name__] += time.perf_counter() - start
            return found

        run.needs = getattr(rule, "needs", ())
        run.__name__ = rule.__name__
        return run

    rules.CHECKS[:] = [with_clock(rule) for rule in original]
    try:
        here = Path.cwd()
        os.chdir(project)
        settings = config.load(project)
        found = engine.check([project], settings, config.selected(settings, ["DRP"], None))
    finally:
        os.chdir(here)
        rules.CHECKS[:] = original
    return clock, found


def main(argv: list[str]) -> int:
    show = argv[argv.index("--show") + 1] if "--show" in argv else None
    projects = [(name, version, fetch(name, version)) for name, version in CORPUS]
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    speed_rows, findings_by_rule, files_by_rule = [], Counter(), defaultdict(set)
    seconds_by_rule: Counter = Counter()
    totals = Counter()
    for name, version, folder in projects:
        sys.path.insert(0, str(SOURCE))
        from drf_review.engine import python_files

        files = len(list(python_files(folder, folder, ())))
        review_s, _ = timed(
            [sys.executable, "-m", "drf_review", "--format", "json", "."], folder, env
        )
        flake8_s, _ = timed([sys.executable, "-m", "flake8", "--select", "F", "--jobs", "1",
                             "--exclude", ".git,__pycache__,migrations,node_modules", "."],
                            folder)  # fmt: skip
        pyflakes_s, _ = timed([sys.executable, "-m", "pyflakes", "."], folder)
        clock, found = per_rule(folder)
        for finding in found:
            findings_by_rule[finding.code] += 1
            files_by_rule[finding.code].add((name, finding.path))
            if show and finding.code == show:
                print(f"{name}-{version}/{finding.path}:{finding.line}: {finding.message[:160]}")
        for rule, seconds in clock.items():
            seconds_by_rule[rule] += seconds
        totals.update(files=files, review=review_s, flake8=flake8_s, pyflakes=pyflakes_s)
        speed_rows.append(
            [f"{name} {version}", files, f"{review_s:.2f}", f"{files / review_s:.0f}",
             f"{flake8_s:.2f}", f"{files / flake8_s:.0f}", f"{pyflakes_s:.2f}",
             f"{files / pyflakes_s:.0f}", len(found)]
        )  # fmt: skip
    speed_rows.append(
        ["all", totals["files"], f"{totals['review']:.2f}",
         f"{totals['files'] / totals['review']:.0f}", f"{totals['flake8']:.2f}",
         f"{totals['files'] / totals['flake8']:.0f}", f"{totals['pyflakes']:.2f}",
         f"{totals['files'] / totals['pyflakes']:.0f}", sum(findings_by_rule.values())]
    )  # fmt: skip
    print_table(
        f"drf-review beside flake8 --select F --jobs 1 and pyflakes, best of {RUNS}, "
        f"{machine()}",
        ["project", "files", "drf-review s", "files/s", "flake8 s", "files/s", "pyflakes s",
         "files/s", "findings"],
        speed_rows,
    )  # fmt: skip
    sys.path.insert(0, str(SOURCE))
    from drf_review import codes, rules

    names = {
        rule.__name__: code
        for code, rule in zip(sorted(codes.RULES)[1:], rules.CHECKS, strict=True)
    }
    print_table(
        "drf-review per rule on the same corpus (time: the rule's own, summed over files)",
        ["rule", "name", "findings", "files", "seconds"],
        [
            [code, codes.RULES[code].name, findings_by_rule[code], len(files_by_rule[code]),
             f"{seconds_by_rule[name]:.3f}"]
            for name, code in names.items()
        ] + [["DRP000", codes.RULES["DRP000"].name, findings_by_rule["DRP000"],
              len(files_by_rule["DRP000"]), "-"]],
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
