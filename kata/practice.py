"""Practice mode: fix a variant yourself; the pattern's own tests say when it is right.

    python -m kata.practice                        the ten, with your progress
    python -m kata.practice 08                     set up your copy of the naive code and test it
    python -m kata.practice 08 --from article      the same, starting from the article's advice
    python -m kata.practice 08 --hint              the next hint
    python -m kata.practice 08 --reset             start over (both copies)
    python -m kata.practice 08 --watch             rerun the tests each time you save your copy

Run through nox: ``nox -s practice -- 08``. Your copy lives in ``practice/`` (ignored
by git), seeded from the pattern's naive variant, or with ``--from article`` from
the article's. The tests run every check on that variant against your copy (with
``--runxfail``: what it fails shows as a failure), with the same assertions the
shop passes; you are done when all of them pass.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kata import manifest, practice_watch
from kata.manifest import ORIGINS, Pattern
from kata.variants import practice_dir


def main(argv: list[str]) -> int:
    if not argv:
        return show_progress()
    number, flags = argv[0].zfill(2), argv[1:]
    pattern = manifest.pattern(number)
    if pattern is None:
        known = ", ".join(p.number for p in manifest.patterns())
        print(f"No pattern {number}. Choose one of: {known}.")
        return 2
    folder = pattern.folder
    origin = "naive"
    if "--from" in flags:
        at = flags.index("--from")
        origin = flags[at + 1] if at + 1 < len(flags) else ""
        if origin not in ORIGINS:
            print(f"--from takes one of: {', '.join(ORIGINS)}.")
            return 2
    if "--reset" in flags:
        shutil.rmtree(practice_dir() / folder, ignore_errors=True)
        print(
            f"Pattern {number}: your copies are gone; the next run starts again from the original."
        )
        return 0
    if "--hint" in flags:
        return show_hint(pattern)
    if "--measure-watch" in flags:
        return practice_watch.measure_and_report(pattern, "--update-readme" in flags)
    if origin not in pattern.variants:
        print(
            f"Pattern {number} has no {origin} code of its own: its README says why "
            f"(patterns/{folder}/README.md). Practise it with: nox -s practice -- {number}"
        )
        return 2
    if "--watch" in flags:
        return practice_watch.watch(pattern, origin, seed(pattern, origin))
    return practise(pattern, origin)


def seed(pattern: Pattern, origin: str) -> Path:
    """The learner's copy of the variant (made once, kept across runs)."""
    copy = practice_dir() / pattern.folder
    copy.mkdir(parents=True, exist_ok=True)
    original = pattern.variant_file(origin)
    if not (copy / original.name).exists():
        if original.is_dir():
            shutil.copytree(original, copy / original.name)
        else:
            shutil.copy2(original, copy / original.name)
    return copy


def practise(pattern: Pattern, origin: str) -> int:
    number, folder = pattern.number, pattern.folder
    copy = seed(pattern, origin)
    edit = shown(copy / pattern.variant_file(origin).name)
    print(f"Pattern {number}: {pattern.rule}")
    print(f"Your copy: {edit}. Make the tests below pass; `--hint` when stuck.\n", flush=True)
    env = {**os.environ, "KATA_PRACTICE": "1"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"patterns/{folder}",
            "-m",
            origin,
            "--runxfail",
            "-q",
            "--tb=short",
            "-p",
            "no:randomly",
        ],
        env=env,
    )
    if run.returncode == 0:
        (copy / f".done-{origin}").touch()
        print(f"\nDone: your copy passes every check the {origin} code failed.")
        print("\n".join(practice_watch.where_the_shop_does_it(pattern)))
        return 0
    print(
        f"\nNot yet: the failures above are the lesson. Read patterns/{folder}/README.md, or run with --hint."
    )
    return 1


def shown(path: Path) -> str:
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def show_hint(pattern: Pattern) -> int:
    hints, folder = pattern.hints, pattern.folder
    copy = practice_dir() / folder
    copy.mkdir(parents=True, exist_ok=True)
    counter = copy / ".hints"
    given = int(counter.read_text()) if counter.exists() else 0
    if given >= len(hints):
        print(f"No more hints. The full story and the fix: patterns/{folder}/README.md")
        return 0
    counter.write_text(str(given + 1))
    print(f"Hint {given + 1} of {len(hints)}: {hints[given]}")
    return 0


def status(pattern: Pattern, origin: str) -> str:
    if origin not in pattern.variants:
        return "-"
    copy = practice_dir() / pattern.folder
    if (copy / f".done-{origin}").exists():
        return "done"
    started = (copy / pattern.variant_file(origin).name).exists()
    return "in progress" if started else "not started"


def show_progress() -> int:
    print("Practice: fix each pattern's naive code, or the article's, until its tests pass.\n")
    print(f"  {'':<2}  {'':<48} {'from naive':<12} from article")
    for pattern in manifest.patterns():
        naive, article = status(pattern, "naive"), status(pattern, "article")
        print(f"  {pattern.number}  {pattern.title:<48} {naive:<12} {article}")
    print(
        "\nStart with: nox -s practice -- 01   (the article's version: -- 01 --from article; "
        "hints: -- 01 --hint; start over: -- 01 --reset)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
