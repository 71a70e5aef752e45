"""Practice mode: fix a variant yourself; the pattern's own tests say when it is right.

    python -m patterns.practice                        the ten, with your progress
    python -m patterns.practice 08                     set up your copy of the naive code and test it
    python -m patterns.practice 08 --from article      the same, starting from the article's advice
    python -m patterns.practice 08 --hint              the next hint
    python -m patterns.practice 08 --reset             start over (both copies)

Run through nox: ``nox -s practice -- 08``. Your copy lives in ``practice/`` (ignored
by git), seeded from the pattern's naive variant, or with ``--from article`` from
the article's. The tests run every check on that variant against your copy (with
``--runxfail``: what it fails shows as a failure), with the same assertions the
shop passes; you are done when all of them pass.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from patterns.kata import practice_dir
from patterns.walkthrough import HERE, PATTERNS

ORIGINS = ("naive", "article")


def main(argv: list[str]) -> int:
    if not argv:
        return show_progress()
    number, flags = argv[0].zfill(2), argv[1:]
    folder = folder_of(number)
    if folder is None:
        print(f"No pattern {number}. Choose one of: {', '.join(n for n, _, _ in PATTERNS)}.")
        return 2
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
        return show_hint(folder)
    if not variant_files(folder, origin):
        print(
            f"Pattern {number} has no {origin} code of its own: its README says why "
            f"(patterns/{folder}/README.md). Practise it with: nox -s practice -- {number}"
        )
        return 2
    return practise(number, folder, origin)


def folder_of(number: str) -> str | None:
    return next((folder for n, folder, _ in PATTERNS if n == number), None)


def variant_files(folder: str, origin: str) -> list[Path]:
    pattern = HERE / folder
    return [path for path in [pattern / f"{origin}.py", pattern / origin] if path.exists()]


def seed(folder: str, origin: str) -> Path:
    copy = practice_dir() / folder
    copy.mkdir(parents=True, exist_ok=True)
    for original in variant_files(folder, origin):
        if (copy / original.name).exists():
            continue
        if original.is_dir():
            shutil.copytree(original, copy / original.name)
        else:
            shutil.copy2(original, copy / original.name)
    return copy


def practise(number: str, folder: str, origin: str) -> int:
    copy = seed(folder, origin)
    edit = ", ".join(shown(copy / original.name) for original in variant_files(folder, origin))
    print(f"Pattern {number}: {rule(folder)}")
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
        print(
            f"\nDone: your copy passes every check the {origin} code failed. Compare it with "
            f"the shop's fix: patterns/{folder}/README.md#the-fix"
        )
        return 0
    print(
        f"\nNot yet: the failures above are the lesson. Read patterns/{folder}/README.md, or run with --hint."
    )
    return 1


def shown(path: Path) -> str:
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def show_hint(folder: str) -> int:
    hints = review_questions(folder)
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


def review_questions(folder: str) -> list[str]:
    """The README's review checklist doubles as hints: the questions a reviewer would ask."""
    text = (HERE / folder / "README.md").read_text()
    section = text.split("## In code review, ask", 1)[1].split("\n## ", 1)[0]
    bullets = re.split(r"\n- ", "\n" + section.strip())
    return [" ".join(b.split()) for b in bullets if b.strip()]


def rule(folder: str) -> str:
    match = re.search(r"^\*\*Rule:\*\* (.+)$", (HERE / folder / "README.md").read_text(), re.M)
    return match.group(1) if match else ""


def status(folder: str, origin: str) -> str:
    copy = practice_dir() / folder
    if (copy / f".done-{origin}").exists():
        return "done"
    started = any((copy / original.name).exists() for original in variant_files(folder, origin))
    return "in progress" if started else "not started" if variant_files(folder, origin) else "-"


def show_progress() -> int:
    print("Practice: fix each pattern's naive code, or the article's, until its tests pass.\n")
    print(f"  {'':<2}  {'':<48} {'from naive':<12} from article")
    for number, folder, title in PATTERNS:
        print(f"  {number}  {title:<48} {status(folder, 'naive'):<12} {status(folder, 'article')}")
    print(
        "\nStart with: nox -s practice -- 01   (the article's version: -- 01 --from article; "
        "hints: -- 01 --hint; start over: -- 01 --reset)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
