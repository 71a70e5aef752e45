"""``[tool.drf-review]`` in the ``pyproject.toml`` of the directory it runs in, or the
nearest one above it.

The contract's keys: ``snapshot-models``, ``atomic``, ``lock-helpers``, ``apps``,
``select``, ``ignore``. Two more, added beside them: ``exclude`` (glob patterns of
paths, relative to the configuration's folder, that a folder walk skips) and
``docs-url`` (a base URL the README links start with; without it they are paths
from the kata's repository root).
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from drf_review.codes import RULES

TABLE = "drf-review"
CODE = re.compile(r"DRP\d{0,3}")


class ConfigError(ValueError):
    """A configuration or a command line that cannot be used: exit status 2."""


@dataclass(frozen=True)
class Config:
    root: Path  # the folder of the pyproject.toml it came from (or the working directory)
    snapshot_models: frozenset[str] = frozenset()  # "app_label.Model"
    atomic: frozenset[str] = frozenset()  # dotted names that open a transaction
    lock_helpers: frozenset[str] = frozenset()  # dotted names returning rows locked in order
    apps: tuple[str, ...] = ()  # app folders, relative to root
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    docs_url: str = ""
    source: Path | None = None  # the file it was read from


KEYS = {
    "snapshot-models": "snapshot_models",
    "atomic": "atomic",
    "lock-helpers": "lock_helpers",
    "apps": "apps",
    "select": "select",
    "ignore": "ignore",
    "exclude": "exclude",
    "docs-url": "docs_url",
}


def find(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(start: Path, explicit: Path | None = None) -> Config:
    """The configuration that applies in ``start``; an empty one where there is none."""
    start = start.resolve()
    path = explicit.resolve() if explicit else find(start)
    if path is None:
        return Config(root=start)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from error
    table = data.get("tool", {}).get(TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(
            f"{path}: [tool.{TABLE}] has unknown keys {unknown}; known: {', '.join(KEYS)}"
        )
    values = {}
    for key, attribute in KEYS.items():
        if key not in table:
            continue
        value = table[key]
        if key == "docs-url":
            if not isinstance(value, str):
                raise ConfigError(f"{path}: [tool.{TABLE}] {key} must be a string")
            values[attribute] = value
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: [tool.{TABLE}] {key} must be a list of strings")
        if key == "snapshot-models":
            bad = [v for v in value if v.count(".") != 1]
            if bad:
                raise ConfigError(
                    f"{path}: [tool.{TABLE}] snapshot-models takes app_label.Model, got {bad}"
                )
        if key in ("select", "ignore"):
            check_codes(value, f"{path}: [tool.{TABLE}] {key}")
        kind = frozenset if attribute in ("snapshot_models", "atomic", "lock_helpers") else tuple
        values[attribute] = kind(value)
    return Config(root=path.parent, source=path, **values)


def check_codes(codes: list[str] | tuple[str, ...], where: str) -> None:
    """Codes or prefixes of codes: ``DRP081``, ``DRP08``, ``DRP``."""
    for code in codes:
        if not CODE.fullmatch(code) or not any(known.startswith(code) for known in RULES):
            raise ConfigError(f"{where}: {code!r} is no code nor prefix of one (DRP081, DRP08)")


def selected(config: Config, select: list[str] | None, ignore: list[str] | None) -> set[str]:
    """The codes that run: the command line's ``--select`` (else the configuration's,
    else every rule on by default), less every ``--ignore`` and configured ``ignore``.

    A rule that is off by default runs only when selected by its full code.
    """
    chosen = tuple(select) if select else config.select
    ignored = (*config.ignore, *(ignore or ()))
    check_codes(chosen, "--select")
    check_codes(ignored, "--ignore")
    codes = set()
    for code, rule in RULES.items():
        if chosen:
            wanted = code in chosen or (rule.default and any(code.startswith(c) for c in chosen))
        else:
            wanted = rule.default
        if code == "DRP000":
            wanted = True  # a file that cannot be read is always said
        if wanted and not any(code.startswith(i) for i in ignored):
            codes.add(code)
    return codes
