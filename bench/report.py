"""What every benchmark prints: where it ran, and its rows as a Markdown table.

The table reads in a terminal (columns padded, numbers to the right) and pastes into
a README as it is; the title names the machine, since a number means little without it.
"""

import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

NUMBER = re.compile(r"[-+]?[\d,]+(\.\d+)?%?")


def machine() -> str:
    """Cores, CPU model and Python: enough to compare two tables."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(columns)]

    def line(row: Sequence[str]) -> str:
        padded = (
            cell.rjust(width) if NUMBER.fullmatch(cell) else cell.ljust(width)
            for cell, width in zip(row, widths, strict=True)
        )
        return "| " + " | ".join(padded) + " |"

    print()
    print(title)
    print(line(columns))
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for row in cells:
        print(line(row))
