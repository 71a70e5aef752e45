"""The ``drf-review`` command.

Exit status: 0 no findings, 1 findings, 2 a usage or configuration error.
"""

import argparse
import os
import sys
from pathlib import Path

from drf_review import __version__, config, output
from drf_review.diff import DiffError, added_lines
from drf_review.engine import check


def codes(value: str) -> list[str]:
    return [code.strip().upper() for code in value.split(",") if code.strip()]


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(
        prog="drf-review",
        description="The kata's ten Django REST API patterns, as review rules for your code.",
    )
    command.add_argument("paths", nargs="*", default=["."], type=Path, metavar="PATH")
    command.add_argument("--format", choices=output.FORMATS, default="text")
    command.add_argument(
        "--diff", metavar="BASE", help="report only lines that `git diff BASE` adds or changes"
    )
    command.add_argument("--select", type=codes, action="extend", metavar="CODES", default=[])
    command.add_argument("--ignore", type=codes, action="extend", metavar="CODES", default=[])
    command.add_argument(
        "--config",
        type=Path,
        metavar="PYPROJECT",
        help="read [tool.drf-review] from this file instead of the nearest pyproject.toml",
    )
    command.add_argument("--version", action="version", version=f"drf-review {__version__}")
    return command


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        missing = [str(p) for p in args.paths if not p.exists()]
        if missing:
            raise config.ConfigError(f"no such file or folder: {', '.join(missing)}")
        if args.config and not args.config.is_file():
            raise config.ConfigError(f"no such file: {args.config}")
        settings = config.load(Path.cwd(), args.config)
        selected = config.selected(settings, args.select, args.ignore)
        changed = added_lines(args.diff, Path.cwd()) if args.diff else None
    except (config.ConfigError, DiffError) as error:
        print(f"drf-review: error: {error}", file=sys.stderr)
        return 2
    findings = check(args.paths, settings, selected)
    if changed is not None:
        findings = [
            f for f in findings if f.line in changed.get(Path(os.path.abspath(f.path)), set())
        ]
    sys.stdout.write(output.render(args.format, findings, selected, settings.docs_url))
    return 1 if findings else 0
