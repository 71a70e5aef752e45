"""``--diff BASE``: the lines ``git diff BASE`` adds or changes, per file."""

import re
import subprocess
from pathlib import Path

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class DiffError(RuntimeError):
    """git could not say what changed (not a repository, an unknown BASE)."""


def added_lines(base: str, cwd: Path) -> dict[Path, set[int]]:
    try:
        top = git(["rev-parse", "--show-toplevel"], cwd).strip()
        output = git(["diff", "--no-color", "--no-ext-diff", "--unified=0", base, "--"], cwd)
    except FileNotFoundError as error:
        raise DiffError("git is not installed") from error
    return parse(output, Path(top))


def git(args: list[str], cwd: Path) -> str:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if run.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {run.stderr.strip()}")
    return run.stdout


def parse(output: str, top: Path) -> dict[Path, set[int]]:
    lines: dict[Path, set[int]] = {}
    current: set[int] | None = None
    for line in output.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = (
                None
                if name == "/dev/null"
                else lines.setdefault((top / name.removeprefix("b/")).resolve(), set())
            )
        elif current is not None and (match := HUNK.match(line)):
            start, count = int(match.group(1)), int(match.group(2) or 1)
            current.update(range(start, start + count))
    return lines
