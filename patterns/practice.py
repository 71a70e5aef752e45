"""Practice mode: fix the naive code yourself; the pattern's own tests say when it is right.

    python -m patterns.practice                the ten, with your progress
    python -m patterns.practice 08             set up your copy (first time) and test it
    python -m patterns.practice 08 --hint      the next hint
    python -m patterns.practice 08 --reset     start over from the naive code

Run through nox: ``nox -s practice -- 08``. Your copy lives in ``practice/`` (ignored
by git), seeded from the pattern's naive variant. The tests that fail the naive
variant run against your copy, with the same assertions the shop passes.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from patterns.kata import practice_dir
from patterns.walkthrough import HERE, PATTERNS


def main(argv: list[str]) -> int:
    if not argv:
        return show_progress()
    number, flags = argv[0].zfill(2), set(argv[1:])
    folder = folder_of(number)
    if folder is None:
        print(f"No pattern {number}. Choose one of: {', '.join(n for n, _, _ in PATTERNS)}.")
        return 2
    if "--reset" in flags:
        shutil.rmtree(practice_dir() / folder, ignore_errors=True)
        print(
            f"Pattern {number}: your copy is gone; the next run starts again from the naive code."
        )
        return 0
    if "--hint" in flags:
        return show_hint(folder)
    return practise(number, folder)


def folder_of(number: str) -> str | None:
    return next((folder for n, folder, _ in PATTERNS if n == number), None)


def naive_files(folder: str) -> list[Path]:
    pattern = HERE / folder
    return [path for path in [pattern / "naive.py", pattern / "naive"] if path.exists()]


def seed(folder: str) -> Path:
    copy = practice_dir() / folder
    if not copy.exists():
        copy.mkdir(parents=True)
        for original in naive_files(folder):
            if original.is_dir():
                shutil.copytree(original, copy / original.name)
            else:
                shutil.copy2(original, copy / original.name)
    return copy


def practise(number: str, folder: str) -> int:
    copy = seed(folder)
    edit = ", ".join(
        shown(path) for path in sorted(copy.iterdir()) if not path.name.startswith(".")
    )
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
            "naive",
            "--runxfail",
            "-q",
            "--tb=short",
            "-p",
            "no:randomly",
        ],
        env=env,
    )
    if run.returncode == 0:
        (copy / ".done").touch()
        print(
            f"\nDone: your copy passes what the naive code failed. Compare it with the shop's fix: patterns/{folder}/README.md#the-fix"
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
    copy = seed(folder)
    counter = copy / ".hints"
    shown = int(counter.read_text()) if counter.exists() else 0
    if shown >= len(hints):
        print(f"No more hints. The full story and the fix: patterns/{folder}/README.md")
        return 0
    counter.write_text(str(shown + 1))
    print(f"Hint {shown + 1} of {len(hints)}: {hints[shown]}")
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


def show_progress() -> int:
    print("Practice: fix each pattern's naive code until its tests pass.\n")
    for number, folder, title in PATTERNS:
        copy = practice_dir() / folder
        status = (
            "done"
            if (copy / ".done").exists()
            else "in progress"
            if copy.exists()
            else "not started"
        )
        print(f"  {number}  {title:<48} {status}")
    print("\nStart with: nox -s practice -- 01   (hints: -- 01 --hint; start over: -- 01 --reset)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
