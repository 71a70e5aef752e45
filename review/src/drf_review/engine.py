"""The two passes: index the project (``project.py``), then run the rules file by file.

``check()`` is what the command, the flake8 plugin and the tests call.
"""

import ast
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import NamedTuple

from drf_review import codes, sources
from drf_review.config import Config
from drf_review.project import Module, Project, is_test_path, module_name
from drf_review.syntax import is_type_checking

SKIPPED_FOLDERS = {
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", ".env", "node_modules",
    "__pycache__", "migrations", "site-packages", ".mypy_cache", ".ruff_cache",
    ".pytest_cache", ".eggs", "build", "dist",
}  # fmt: skip
NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Finding:
    path: str  # relative to the working directory where it can be
    line: int
    column: int  # 1-based
    code: str
    message: str

    @property
    def pattern(self) -> str:
        return self.code[3:5]


class Where(NamedTuple):
    """Where a node sits: the function and class around it, the ``with atomic`` it is
    inside (in that function), the loops around it, and the ``try`` bodies around it."""

    function: ast.AST | None = None  # FunctionDef, AsyncFunctionDef or Lambda
    cls: ast.ClassDef | None = None
    atomic: ast.AST | None = None  # the With, or the function decorated atomic
    loops: tuple[ast.AST, ...] = ()
    tries: tuple[ast.Try, ...] = ()
    type_checking: bool = False


# A rule: a function of a file's context that yields (code, node, sentence).
Check = Callable[["FileContext"], Iterable[tuple[str, ast.AST, str]]]


def needs(*words: str):
    """Run the rule only on files whose text has one of ``words``: a file without
    ``select_for_update`` has no unordered lock to find, and is not walked for one."""

    def mark(rule: Check) -> Check:
        rule.needs = words  # type: ignore[attr-defined]
        return rule

    return mark


class FileContext:
    """One file, seen through the project's index: what the rules read."""

    def __init__(self, project: Project, module: Module) -> None:
        self.project = project
        self.module = module
        self.tree: ast.Module = module.tree  # type: ignore[assignment]
        self.parents: dict[int, ast.AST] = {}
        self.places: dict[int, Where] = {}
        self.nodes: list[ast.AST] = []  # every node, in source order
        self.locals: dict[int, list[ast.AST]] = {}  # id(function) -> the nodes it runs
        self.visit(self.tree, Where())

    # Recursive on purpose: code nested past Python's limit is DRP000, said by the engine.
    def visit(self, node: ast.AST, where: Where) -> None:
        self.places[id(node)] = where
        self.nodes.append(node)
        self.locals.setdefault(id(where.function), []).append(node)
        children = list(ast.iter_child_nodes(node))
        for child in children:
            self.parents[id(child)] = node
        statements = getattr(node, "body", None)
        body = {id(s) for s in statements} if isinstance(statements, list) else set()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            atomic = next(
                (node for d in node.decorator_list if self.project.is_atomic(self.module, d)),
                None,
            )
            inner = Where(node, where.cls, atomic, (), (), where.type_checking)
            for child in children:
                self.visit(child, inner if id(child) in body else where)
        elif isinstance(node, ast.Lambda):
            inner = Where(node, where.cls, None, (), (), where.type_checking)
            self.visit(node.args, where)
            self.visit(node.body, inner)
        elif isinstance(node, ast.ClassDef):
            inner = Where(None, node, None, (), (), where.type_checking)
            for child in children:
                self.visit(child, inner if id(child) in body else where)
        elif isinstance(node, ast.With | ast.AsyncWith):
            opens = any(self.project.is_atomic(self.module, i.context_expr) for i in node.items)
            inner = where._replace(atomic=where.atomic or node) if opens else where
            for child in children:
                self.visit(child, inner if id(child) in body else where)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.While):
            inner = where._replace(loops=(*where.loops, node))
            for child in children:
                self.visit(child, inner if id(child) in body else where)
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            inner = where._replace(loops=(*where.loops, node))
            for child in children:
                self.visit(child, inner)
        elif isinstance(node, ast.Try | ast.TryStar):
            inner = where._replace(tries=(*where.tries, node))
            for child in children:
                self.visit(child, inner if id(child) in body else where)
        elif isinstance(node, ast.If) and is_type_checking(node.test):
            inner = where._replace(type_checking=True)
            for child in children:
                self.visit(child, inner if id(child) in body else where)
        else:
            for child in children:
                self.visit(child, where)

    def local_nodes(self, function: ast.AST | None) -> list[ast.AST]:
        """The nodes a function runs itself (not those of functions it defines); the
        module's own with None."""
        return self.locals.get(id(function), [])

    def where(self, node: ast.AST) -> Where:
        return self.places.get(id(node), Where())

    def resolve(self, node: ast.AST) -> str | None:
        return self.module.resolve(node)

    def transaction(self, node: ast.AST) -> str | None:
        """Where the transaction that ``node`` runs inside was opened, in words; None if
        it runs in none that the source shows."""
        where = self.where(node)
        if where.atomic is not None:
            return f"the transaction opened at line {where.atomic.lineno}"
        opened = self.project.transaction_of(self.module, where.function, where.cls)
        if opened:
            path, line, name = opened
            shown = relative(path)
            return f"the transaction {name}() opens at {shown}:{line}"
        return None

    @property
    def path(self) -> Path:
        return self.module.path


def position(node: ast.AST) -> tuple[int, int]:
    """Where a finding points: 1-based line and column. A method call in a chain that
    spans lines points at the method's name (``.select_for_update(``), not at the chain's
    first line."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        end = node.func.end_lineno or node.lineno
        if end != node.lineno:
            return end, (node.func.end_col_offset or 0) - len(node.func.attr) + 1
    return node.lineno, node.col_offset + 1


def relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


# --- Files --------------------------------------------------------------------------------------


def python_files(path: Path, root: Path, exclude: tuple[str, ...]) -> Iterator[Path]:
    """``.py`` files under ``path``, skipping VCS folders, virtual environments,
    ``node_modules``, ``migrations`` and the ``exclude`` globs (relative to ``root``)."""
    if path.is_file():
        if path.suffix == ".py":
            yield path
        return
    for folder, subfolders, files in os.walk(path):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in SKIPPED_FOLDERS
            and not name.endswith(".egg-info")
            and not (here / name / "pyvenv.cfg").exists()
            and not excluded(here / name, root, exclude)
        )
        for name in sorted(files):
            if name.endswith(".py") and not excluded(here / name, root, exclude):
                yield here / name


def excluded(path: Path, root: Path, exclude: tuple[str, ...]) -> bool:
    if not exclude:
        return False
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        return False
    return any(fnmatch(shown, pattern) or fnmatch(shown + "/", pattern) for pattern in exclude)


# --- The check ------------------------------------------------------------------------------------


def rules() -> list[Check]:
    from drf_review.rules import CHECKS

    return CHECKS


def check(
    paths: list[Path],
    config: Config,
    selected: set[str] | None = None,
    stand_in: dict[Path, Path] | None = None,
) -> list[Finding]:
    """Every finding in ``paths`` (files or folders), sorted by path and line.

    The index covers the whole project (the configuration's folder) when every path
    is inside it, so a check of a few files (pre-commit) sees the same models as a
    check of all; otherwise the paths themselves. ``stand_in`` maps a file to the
    project file it replaces (the kata's variants run in the place of the shop's).
    """
    selected = (
        selected if selected is not None else {c for c, r in codes.RULES.items() if r.default}
    )
    stand_in = {p.resolve(): s.resolve() for p, s in (stand_in or {}).items()}
    paths = [p.resolve() for p in paths]
    root = config.root
    checked = [f for p in paths for f in python_files(p, root, config.exclude)]
    checked = list(dict.fromkeys(checked))
    inside = config.source is not None and all(p.is_relative_to(root) for p in paths)
    indexed = list(python_files(root, root, config.exclude)) if inside else []
    replaced = set(stand_in.values())
    every = [f for f in dict.fromkeys([*indexed, *checked]) if f not in replaced]
    modules = []
    for path in every:
        source = sources.read(path)
        place = stand_in.get(path)
        base = root if inside else base_of(path, paths)
        name = module_name(place or path, base)
        modules.append(Module(path, name, source, is_test_path(place or path, base), place))
    project = Project(root, config, modules)
    findings: list[Finding] = []
    for path in checked:
        module = project.by_path[path]
        findings.extend(check_module(project, module, selected))
    return sorted(findings)


def base_of(path: Path, paths: list[Path]) -> Path:
    """The folder a checked path's module names start from: the folder it was found in."""
    holding = [p for p in paths if path.is_relative_to(p)]
    top = min(holding, key=lambda p: len(p.parts)) if holding else path
    return top if top.is_dir() else top.parent


def check_module(project: Project, module: Module, selected: set[str]) -> list[Finding]:
    shown = relative(module.path)
    docs = project.config.docs_url
    source = module.source
    if source.tree is None:
        text = codes.message("DRP000", f"This file {source.problem}", docs)
        found = [Finding(shown, source.line, source.column, "DRP000", text)]
        return found if "DRP000" in selected else []
    found = []
    try:
        context = FileContext(project, module)
        for rule in rules():
            words = getattr(rule, "needs", ())
            if words and not module.mentions(*words):
                continue
            for code, node, sentence in rule(context):
                if code in selected:
                    line, column = position(node)
                    found.append(
                        Finding(shown, line, column, code, codes.message(code, sentence, docs))
                    )
    except RecursionError:
        text = codes.message("DRP000", "This file is nested too deeply to analyse", docs)
        return [Finding(shown, 1, 1, "DRP000", text)] if "DRP000" in selected else []
    except Exception as error:  # a fault of the checker's: said on the file, never a crash
        problem = f"drf-review failed on this file ({type(error).__name__}: {error}); report it"
        text = codes.message("DRP000", problem, docs)
        return [Finding(shown, 1, 1, "DRP000", text)] if "DRP000" in selected else []
    lines = source.lines
    return sorted({f for f in found if not silenced(f, lines)})


def silenced(finding: Finding, lines: list[str]) -> bool:
    """``# noqa: DRP081`` (or a prefix, ``DRP08``) on the finding's line; a bare ``# noqa``
    silences nothing."""
    if not 0 < finding.line <= len(lines):
        return False
    match = NOQA.search(lines[finding.line - 1])
    if not match:
        return False
    wanted = re.split(r"[\s,]+", match.group("codes").upper())
    return any(finding.code.startswith(code) for code in wanted if code)
