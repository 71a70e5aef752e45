"""One pattern in full: its variants' real failures (``--runxfail``), then the shop's run, green.

    python -m kata.pattern 03                   what ``nox -s pattern -- 03`` runs
    python -m kata.pattern 03 --update-readme   ...and rewrite its README's output block and timelines
    python -m kata.pattern 08 --timeline        ...and print each concurrency test's swimlanes

Other arguments go to pytest. Exits non-zero if a variant does something else than its
test says, or the shop's run fails.
"""

import sys
import tempfile
from pathlib import Path

from kata import manifest, runs
from kata.manifest import Pattern
from kata.timelines import readme as timeline_readme
from kata.timelines import terminal

FLAGS = ("--update-readme", "--timeline")


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print("Which pattern? For example: python -m kata.pattern 03 (--update-readme, --timeline)")
        return 2
    found = manifest.pattern(argv[0])
    if found is None:
        known = ", ".join(pattern.number for pattern in manifest.patterns())
        print(f"No pattern {argv[0]!r}. Choose one of: {known}.")
        return 2
    return show(found, argv[1:])


def show(pattern: Pattern, args: list[str]) -> int:
    """One pattern in full: its variants' real failures, then the shop's run."""
    update = "--update-readme" in args
    show_timelines = "--timeline" in args
    pytest_args = [a for a in args if a not in FLAGS]
    with tempfile.TemporaryDirectory() as scratch:
        # The README's pictures and the terminal's swimlanes come from these two runs.
        recording = Path(scratch) if update or show_timelines else None
        red, summary, green = run_both(pattern, pytest_args, recording)
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
        problems = runs.rewrite_readme(pattern, summary["block"], recorded)
        print(
            f"\nRewrote the output block and the timelines in patterns/{pattern.folder}/README.md."
        )
        if problems:
            print("Problems: " + "\n".join(problems))
            return 1
    elif runs.readme_block(pattern.folder) not in (None, summary["block"]):
        print(
            f"\nNote: patterns/{pattern.folder}/README.md shows another output; "
            f"`nox -s pattern -- {pattern.number} --update-readme` rewrites it."
        )
    return green


def run_both(
    pattern: Pattern, pytest_args: list[str], recording: Path | None
) -> tuple[int, dict, int]:
    """The lessons' run, then the shop's; both record their timelines in ``recording``."""
    print(f"=== Pattern {pattern.number}: {pattern.title}")
    print(
        "=== 1. The naive variant and the article's advice, run for real (--runxfail): "
        "their failures are the lesson\n",
        flush=True,
    )
    red, summary = runs.run_lessons(pattern.folder, pytest_args, quiet=False, timelines=recording)
    print("\n=== 2. The shop's implementation: the same assertions, green\n", flush=True)
    green = runs.run_shop(pattern.folder, pytest_args, timelines=recording)
    return red, summary, green


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
