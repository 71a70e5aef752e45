"""The first pass: an index of the checked project, which the rules read file by file.

- its **apps** (from ``apps.py`` files, folders with a ``models`` module, and the
  ``apps`` setting) and each app's **models**: fields, unique constraints (also the
  case-insensitive ones), ``Meta.ordering``, foreign keys and their ``on_delete``;
- the **snapshot models** (the ``snapshot-models`` setting, or a model class whose
  line carries the comment ``# drf-review: snapshot``) and the models that rows
  point at with ``PROTECT`` or ``RESTRICT`` (directly, or through a ``CASCADE``);
- the names that **open a transaction** (``transaction.atomic`` under any import or
  alias, and the ``atomic`` setting), and the functions that run inside one: those
  decorated with it, and those called inside one, transitively across modules;
- **Celery tasks** (functions decorated with ``shared_task`` or ``<app>.task``);
- **lock helpers**: the ``lock-helpers`` setting, and functions that return a
  ``select_for_update()`` queryset;
- the functions that **instrument Django** (pattern 05), and whether the project
  depends on **psycopg 3**.

Names are resolved through each module's imports to dotted names; a dotted name
that is not the project's own module path is matched by its last components
(``naive_shop.orders.models.Order`` finds ``patterns/…/naive_shop/orders/models.py``),
only when that match is unique. What cannot be resolved is not guessed at: the rules
that need it stay silent.
"""

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import takewhile
from pathlib import Path

from drf_review.config import Config
from drf_review.sources import Source
from drf_review.syntax import (
    chain,
    dotted,
    is_type_checking,
    keyword,
    last_name,
    string,
    strings,
    walk_local,
)

ATOMIC = "django.db.transaction.atomic"
SNAPSHOT_MARKER = re.compile(r"#\s*drf-review:\s*snapshot\b")
TEST_FOLDERS = {"tests", "test", "testing"}
TEST_FILE = re.compile(r"(^test_.*|.*_tests?|^tests|^conftest)\.py$")
MODEL_BASES = {
    "django.db.models.Model",
    "django.db.models.base.Model",
    "django.contrib.auth.models.AbstractUser",
    "django.contrib.auth.models.AbstractBaseUser",
    "django.contrib.auth.base_user.AbstractBaseUser",
    "django.contrib.auth.models.PermissionsMixin",
}
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField", "ParentalKey"}
PSYCOPG3 = re.compile(
    r"(?<![\w.-])psycopg(?:\[[^\]]*\])?(?:[-_](?:binary|c))?(?=$|[\s\"'<>=!~;,\[\])])",
    re.MULTILINE,
)


@dataclass
class Module:
    path: Path  # the file read, where its findings are reported
    name: str  # dotted, from the project's root: shop.orders.models
    source: Source
    is_test: bool
    place: Path | None = None  # where it stands in the project, if not at ``path``
    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted
    defined: set[str] = field(default_factory=set)  # module-level names

    @property
    def location(self) -> Path:
        return self.place or self.path

    @property
    def nodes(self) -> list[ast.AST]:
        """Every node of the tree, walked once (by its source, shared between checks)."""
        return self.source.nodes

    def mentions(self, *words: str) -> bool:
        """A cheap test before a walk: does the text contain any of ``words``?"""
        return any(word in self.source.text for word in words)

    @property
    def tree(self) -> ast.Module | None:
        return self.source.tree

    @property
    def package(self) -> str:
        return self.name if self.location.name == "__init__.py" else self.name.rpartition(".")[0]

    def resolve(self, node: ast.AST) -> str | None:
        """The dotted name ``node`` stands for here, through imports and local definitions."""
        return self.resolve_name(dotted(node))

    def resolve_name(self, name: str | None) -> str | None:
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in self.imports:
            base = self.imports[head]
        elif head in self.defined:
            base = f"{self.name}.{head}"
        else:
            return name
        return f"{base}.{rest}" if rest else base


@dataclass
class App:
    label: str
    folder: Path


@dataclass
class Field:
    name: str
    kind: str  # ForeignKey, EmailField, ...
    unique: bool = False
    target: str | None = None  # a relation's model: "app.Model", "Model", "self" or dotted
    target_is_label: bool = False  # a string ("products.SKU"), not a name in the module
    on_delete: str | None = None  # PROTECT, CASCADE, ...
    case_insensitive: bool = False  # db_collation, or a CI field
    node: ast.AST | None = None  # where it is declared


@dataclass
class Model:
    key: str  # module.Class
    name: str
    module: Module
    node: ast.ClassDef
    app_label: str
    fields: dict[str, Field] = field(default_factory=dict)
    unique_sets: list[frozenset[str]] = field(default_factory=list)
    lower_unique: set[str] = field(default_factory=set)  # UniqueConstraint(Lower("x"))
    ordered: bool = False  # Meta.ordering
    complete: bool = True  # every base is known: its constraints are all here
    abstract: bool = False
    marked_snapshot: bool = False
    bases: list[str] = field(default_factory=list)  # resolved base names

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.name}"


def module_name(path: Path, root: Path) -> str:
    try:
        parts = list(path.relative_to(root).with_suffix("").parts)
    except ValueError:
        parts = list(path.with_suffix("").parts[-3:])
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or path.stem


def read_imports(module: Module) -> None:
    """Every import in the module, wherever it is, and the names it defines at the top."""
    tree = module.tree
    if tree is None:
        return
    for node in module.nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.imports[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    module.imports.setdefault(head, head)
        elif isinstance(node, ast.ImportFrom):
            base = import_base(module, node)
            for alias in node.names:
                if alias.name != "*":
                    module.imports[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            module.defined.add(node.name)
        elif isinstance(node, ast.Assign):
            module.defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for name in module.defined:
        module.imports.pop(name, None)  # a later definition wins over an import


def import_base(module: Module, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` reads from (relative ones resolved)."""
    base = node.module or ""
    if node.level:
        package = module.package.split(".") if module.package else []
        package = package[: len(package) - (node.level - 1)] if node.level > 1 else package
        base = ".".join([*package, *([base] if base else [])])
    return base


@dataclass
class Function:
    key: str
    module: Module
    node: ast.FunctionDef | ast.AsyncFunctionDef
    cls: ast.ClassDef | None = None


class Project:
    def __init__(self, root: Path, config: Config, modules: list[Module]) -> None:
        self.root = root
        self.config = config
        self.modules = modules
        self.by_name = {m.name: m for m in modules}
        self.by_path = {m.path: m for m in modules}
        self.apps: list[App] = []
        self._app_of: dict[Path, App | None] = {}
        self.models: dict[str, Model] = {}
        self.functions: dict[str, Function] = {}
        self.tasks: set[str] = set()
        # function key -> (path, line) of the transaction it runs inside
        self.transactional: dict[str, tuple[Path, int, str]] = {}
        self.instrumenting: set[str] = set()  # functions that instrument Django
        self.locking: set[str] = set()  # functions returning select_for_update() rows
        self.psycopg3 = False
        for module in modules:
            read_imports(module)
        self.find_apps()
        self.find_models()
        self.find_functions()
        self.find_transactions()
        self.find_dependencies()

    # --- names ------------------------------------------------------------------------------

    def suffixes(self) -> dict[str, list[str]]:
        """Each name's last components (two or more) -> the names that end so."""
        size = (len(self.by_name), len(self.models), len(self.functions))
        if getattr(self, "_suffix_size", None) != size:
            table: dict[str, list[str]] = defaultdict(list)
            for key in [*self.by_name, *self.models, *self.functions]:
                parts = key.split(".")
                for n in range(2, len(parts)):
                    table[".".join(parts[-n:])].append(key)
            self._suffix_table, self._suffix_size = table, size
        return self._suffix_table

    def find(self, name: str | None, table: dict) -> str | None:
        """The key of ``table`` that ``name`` stands for: exactly, or by a unique suffix."""
        if not name:
            return None
        if name in table:
            return name
        if name.count(".") < 1:
            return None
        matches = [k for k in self.suffixes().get(name, []) if k in table]
        return matches[0] if len(set(matches)) == 1 else None

    def module_of(self, name: str | None) -> Module | None:
        key = self.find(name, self.by_name)
        return self.by_name[key] if key else None

    def model(self, name: str | None) -> Model | None:
        key = self.find(name, self.models)
        return self.models[key] if key else None

    def model_by_label(self, label: str, near: Model | None = None) -> Model | None:
        """``products.SKU``, ``SKU`` (in ``near``'s app) or ``self``."""
        if label == "self":
            return near
        app, _, name = label.rpartition(".")
        app = app or (near.app_label if near else "")
        found = [m for m in self.models.values() if m.name == name and m.app_label == app]
        if len(found) > 1 and near is not None:
            # Two projects in one tree (the kata's sample trees): the one nearest to ``near``.
            def shared(model: Model) -> int:
                pairs = zip(model.key.split("."), near.key.split("."), strict=False)
                return len(list(takewhile(lambda pair: pair[0] == pair[1], pairs)))

            best = max(shared(m) for m in found)
            found = [m for m in found if shared(m) == best]
        return found[0] if len(found) == 1 else None

    def app_of(self, path: Path) -> App | None:
        """The app whose folder holds ``path`` (the deepest, if apps nest)."""
        if path not in self._app_of:
            folders = {app.folder: app for app in self.apps}
            self._app_of[path] = next((folders[f] for f in path.parents if f in folders), None)
        return self._app_of[path]

    # --- apps and models ------------------------------------------------------------------------

    def find_apps(self) -> None:
        folders: dict[Path, str] = {}
        for module in self.modules:
            if module.path.name == "apps.py" and module.tree:
                label = app_config_label(module.tree)
                if label:
                    folders[module.path.parent] = label
        configured = set(folders)
        for module in self.modules:
            folder = module.location.parent
            if module.location.name == "__init__.py" and folder.name == "models":
                folder = folder.parent
            elif module.location.name != "models.py":
                continue
            # A models module inside an app that has its apps.py (``admin/forms/models.py``)
            # is that app's, not an app of its own.
            if not any(folder.is_relative_to(app) and folder != app for app in configured):
                folders.setdefault(folder, folder.name)
        for name in self.config.apps:
            folder = (self.config.root / name).resolve()
            folders.setdefault(folder, folder.name)
        self.apps = [App(label, folder) for folder, label in sorted(folders.items())]

    def find_models(self) -> None:
        candidates = []
        for module in self.modules:
            if module.tree is None or not module.mentions("Model", "User", "Mixin"):
                continue
            for node in module.nodes:
                if isinstance(node, ast.ClassDef) and node.bases:
                    candidates.append((module, node))
        # Models are classes whose bases are Django's or other models: repeat until stable.
        classes: dict[str, list[str]] = defaultdict(list)  # a class's last components -> keys
        for module, node in candidates:
            key = f"{module.name}.{node.name}"
            parts = key.split(".")
            for n in range(1, len(parts) + 1):
                classes[".".join(parts[-n:])].append(key)

        def base_key(name: str) -> str:
            found = classes.get(name, [])
            return found[0] if len(found) == 1 and (name.count(".") or found[0] == name) else name

        resolved_bases = {
            id(node): [base_key(module.resolve(b) or "") for b in node.bases]
            for module, node in candidates
        }
        known = set(MODEL_BASES)
        changed = True
        while changed:
            changed = False
            for module, node in candidates:
                key = f"{module.name}.{node.name}"
                if key in self.models:
                    continue
                resolved = resolved_bases[id(node)]
                if any(b in known for b in resolved):
                    self.models[key] = self.read_model(module, node, key, resolved)
                    known.add(key)
                    changed = True
        for model in self.models.values():
            self.inherit(model)

    def read_model(self, module: Module, node: ast.ClassDef, key: str, bases: list[str]) -> Model:
        app = self.app_of(module.location)
        model = Model(
            key, node.name, module, node, app.label if app else module.location.parent.name
        )
        model.bases = bases
        line = module.source.lines[node.lineno - 1] if module.source.lines else ""
        above = module.source.lines[node.lineno - 2] if node.lineno > 1 else ""
        model.marked_snapshot = bool(SNAPSHOT_MARKER.search(line) or SNAPSHOT_MARKER.search(above))
        for statement in node.body:
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        found = read_field(target.id, statement.value)
                        if found:
                            model.fields[found.name] = found
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.value, ast.Call):
                if isinstance(statement.target, ast.Name):
                    found = read_field(statement.target.id, statement.value)
                    if found:
                        model.fields[found.name] = found
            elif isinstance(statement, ast.ClassDef) and statement.name == "Meta":
                read_meta(model, statement)
        for name, found in model.fields.items():
            if found.unique:
                model.unique_sets.append(frozenset({name}))
        return model

    def inherit(self, model: Model) -> None:
        """Fields and constraints of abstract parents; unknown parents make it incomplete."""
        for base in model.bases:
            parent = self.models.get(base)
            if parent is not None:
                for name, found in parent.fields.items():
                    model.fields.setdefault(name, found)
                if parent.abstract:
                    model.unique_sets.extend(parent.unique_sets)
                    model.lower_unique |= parent.lower_unique
                model.ordered = model.ordered or parent.ordered
                model.complete = model.complete and parent.complete
            elif base not in MODEL_BASES and not base.endswith("Mixin"):
                model.complete = False
            elif base.startswith("django.contrib.auth"):
                model.complete = False  # AbstractUser's own fields are not read here

    @cached_property
    def protected(self) -> dict[str, str]:
        """model key -> why deleting it can be refused: a PROTECT/RESTRICT relation to it,
        or to a row that a CASCADE from it would delete."""
        why: dict[str, str] = {}
        edges = []  # (child, parent, on_delete, field)
        for model in self.models.values():
            for found in model.fields.values():
                if found.target and found.kind != "ManyToManyField":
                    parent = (
                        self.model_by_label(found.target, model)
                        if found.target_is_label
                        else self.model(model.module.resolve_name(found.target))
                    )
                    if parent is not None:
                        edges.append((model, parent, found.on_delete or "", found.name))
        for child, parent, on_delete, name in edges:
            if on_delete in ("PROTECT", "RESTRICT"):
                why.setdefault(parent.key, f"{child.label}.{name} protects it ({on_delete})")
        changed = True
        while changed:
            changed = False
            for child, parent, on_delete, _ in edges:
                if on_delete == "CASCADE" and child.key in why and parent.key not in why:
                    why[parent.key] = f"deleting it cascades to {child.label}, and {why[child.key]}"
                    changed = True
        return why

    def snapshot(self, model: Model | None) -> bool:
        return model is not None and (
            model.marked_snapshot or model.label in self.config.snapshot_models
        )

    # --- functions, tasks, transactions -----------------------------------------------------

    def find_functions(self) -> None:
        for module in self.modules:
            if module.tree is None:
                continue
            for node in module.tree.body:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.add_function(Function(f"{module.name}.{node.name}", module, node))
                elif isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                            key = f"{module.name}.{node.name}.{item.name}"
                            self.add_function(Function(key, module, item, node))

    def add_function(self, function: Function) -> None:
        self.functions[function.key] = function
        for decorator in function.node.decorator_list:
            name = function.module.resolve(
                decorator.func if isinstance(decorator, ast.Call) else decorator
            )
            if name and (name.split(".")[-1] in ("shared_task", "task", "periodic_task")):
                self.tasks.add(function.key)
        if function.module.mentions("select_for_update"):
            for node in walk_local(function.node.body):
                if (
                    isinstance(node, ast.Return)
                    and node.value is not None
                    and "select_for_update" in chain(node.value).methods
                ):
                    self.locking.add(function.key)

    def is_atomic(self, module: Module, node: ast.AST) -> bool:
        """Whether ``node`` (a decorator or a ``with`` item) opens a transaction."""
        target = node.func if isinstance(node, ast.Call) else node
        name = module.resolve(target)
        if not name:
            return False
        return name == ATOMIC or named_in(name, self.config.atomic)

    def is_lock_helper(self, module: Module, node: ast.AST) -> bool:
        name = module.resolve(node)
        if not name:
            return False
        if self.find(name, self.functions) in self.locking:
            return True
        return named_in(name, self.config.lock_helpers)

    def callee(self, module: Module, call: ast.Call, cls: ast.ClassDef | None) -> str | None:
        """The project function a call reaches, when it can be told from the source."""
        func = call.func
        if (
            cls is not None
            and isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
        ):
            return self.find(f"{module.name}.{cls.name}.{func.attr}", self.functions)
        return self.find(module.resolve(func), self.functions)

    def find_transactions(self) -> None:
        """Which functions run inside a transaction, and where it was opened.

        Decorated with an atomic name; or called inside a ``with`` of one, or from a
        function that runs inside one. Calls made by tests do not count: a test may open
        a transaction around anything.
        """
        words = ("atomic", *(name.split(".")[-1] for name in self.config.atomic))
        work: list[str] = []
        calls: dict[str, list] = {}

        def calls_from(key: str) -> list:
            if key not in calls:
                function = self.functions[key]
                calls[key] = [] if function.module.is_test else list(self.calls_of(function))
            return calls[key]

        for function in self.functions.values():
            if not function.module.mentions(*words):
                continue
            for decorator in function.node.decorator_list:
                if self.is_atomic(function.module, decorator):
                    origin = (function.module.path, decorator.lineno, function.node.name)
                    self.transactional[function.key] = origin
                    work.append(function.key)
                    break
            for callee, opened in calls_from(function.key):
                if opened and callee not in self.transactional:
                    self.transactional[callee] = opened
                    work.append(callee)
        while work:
            key = work.pop()
            for callee, _ in calls_from(key):
                if callee not in self.transactional:
                    self.transactional[callee] = self.transactional[key]
                    work.append(callee)
        self.find_instrumenting()

    def calls_of(self, function: Function) -> Iterator[tuple[str, tuple[Path, int, str] | None]]:
        """Each project function ``function`` calls, and the ``with atomic`` it is inside."""

        def visit(nodes: list[ast.AST], opened: tuple[Path, int, str] | None):
            for node in nodes:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                    continue
                if isinstance(node, ast.ClassDef):
                    continue
                inner = opened
                if isinstance(node, ast.With | ast.AsyncWith) and any(
                    self.is_atomic(function.module, item.context_expr) for item in node.items
                ):
                    inner = opened or (function.module.path, node.lineno, function.node.name)
                    for item in node.items:
                        yield from visit([item.context_expr], opened)
                    yield from visit(node.body, inner)
                    continue
                if isinstance(node, ast.Call):
                    key = self.callee(function.module, node, function.cls)
                    if key:
                        yield key, opened
                yield from visit(list(ast.iter_child_nodes(node)), inner)

        yield from visit(function.node.body, None)

    def find_instrumenting(self) -> None:
        """Functions that instrument Django, directly or through functions that do."""
        candidates = [f for f in self.functions.values() if f.module.mentions("instrument")]
        calls = {f.key: [c for c, _ in self.calls_of(f)] for f in candidates}
        for function in candidates:
            for node in walk_local(function.node.body):
                if isinstance(node, ast.Call) and is_django_instrument(function.module, node):
                    self.instrumenting.add(function.key)
        changed = True
        while changed:
            changed = False
            for key, called in calls.items():
                if key not in self.instrumenting and any(c in self.instrumenting for c in called):
                    self.instrumenting.add(key)
                    changed = True

    def transaction_of(self, module: Module, function: ast.AST | None, cls: ast.AST | None):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            return None
        key = (
            f"{module.name}.{cls.name}.{function.name}" if cls else f"{module.name}.{function.name}"
        )
        return self.transactional.get(key)

    # --- dependencies -------------------------------------------------------------------------

    def find_dependencies(self) -> None:
        names = ["pyproject.toml", "setup.py", "setup.cfg", "Pipfile"]
        files = [self.root / n for n in names]
        files += sorted(self.root.glob("requirements*.txt"))
        files += sorted(self.root.glob("requirements/*.txt"))
        for path in files:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if PSYCOPG3.search(text):
                self.psycopg3 = True
                return
        for module in self.modules:
            if any(v == "psycopg" or v.startswith("psycopg.") for v in module.imports.values()):
                self.psycopg3 = True
                return


def named_in(name: str, names: frozenset[str]) -> bool:
    """Whether ``name`` is one of the configured dotted ``names``, one of them written from
    another root (``shop.core.db.locked`` and ``core.db.locked``)."""
    return any(
        name == other or name.endswith("." + other) or (other.endswith("." + name) and "." in name)
        for other in names
    )


def app_config_label(tree: ast.Module) -> str | None:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
            (last_name(b) or "").endswith("AppConfig") for b in node.bases
        ):
            values = {}
            for statement in node.body:
                if isinstance(statement, ast.Assign):
                    for target in statement.targets:
                        if isinstance(target, ast.Name) and string(statement.value):
                            values[target.id] = string(statement.value)
            if "label" in values:
                return values["label"]
            if "name" in values:
                return values["name"].rsplit(".", 1)[-1]
    return None


def read_field(name: str, call: ast.Call) -> Field | None:
    kind = last_name(call.func) or ""
    if not (kind.endswith("Field") or kind in RELATIONS):
        return None
    found = Field(name, kind, node=call)
    found.unique = kind == "OneToOneField" or any(
        k.arg in ("unique", "primary_key") and isinstance(k.value, ast.Constant) and k.value.value
        for k in call.keywords
    )
    found.case_insensitive = kind.startswith("CI") or keyword(call, "db_collation") is not None
    if kind in RELATIONS:
        target = keyword(call, "to") or (call.args[0] if call.args else None)
        found.target_is_label = string(target) is not None
        found.target = string(target) or dotted(target) if target is not None else None
        on_delete = keyword(call, "on_delete") or (call.args[1] if len(call.args) > 1 else None)
        found.on_delete = last_name(on_delete) if on_delete is not None else None
    return found


def read_meta(model: Model, meta: ast.ClassDef) -> None:
    for statement in meta.body:
        if not isinstance(statement, ast.Assign):
            continue
        names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
        value = statement.value
        if "abstract" in names and isinstance(value, ast.Constant) and value.value is True:
            model.abstract = True
        if "app_label" in names and string(value):
            model.app_label = string(value)
        if "ordering" in names and isinstance(value, ast.List | ast.Tuple) and value.elts:
            model.ordered = True
        if "unique_together" in names and isinstance(value, ast.List | ast.Tuple):
            groups = (
                value.elts
                if value.elts and isinstance(value.elts[0], ast.List | ast.Tuple)
                else [value]
            )
            for group in groups:
                fields = strings(group)
                if fields:
                    model.unique_sets.append(frozenset(fields))
        if "constraints" in names and isinstance(value, ast.List | ast.Tuple):
            for constraint in value.elts:
                if (
                    isinstance(constraint, ast.Call)
                    and last_name(constraint.func) == "UniqueConstraint"
                ):
                    read_unique(model, constraint)


def read_unique(model: Model, constraint: ast.Call) -> None:
    fields = strings(keyword(constraint, "fields"))
    if fields:
        model.unique_sets.append(frozenset(fields))
    for expression in constraint.args:
        if isinstance(expression, ast.Call) and last_name(expression.func) in ("Lower", "Upper"):
            column = string(expression.args[0]) if expression.args else None
            if column:
                model.lower_unique.add(column)


def is_django_instrument(module: Module, call: ast.Call) -> bool:
    """``DjangoInstrumentor().instrument(...)``, however it was imported."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "instrument"):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Call):
        receiver = receiver.func
    name = module.resolve(receiver) or ""
    return name.split(".")[-1] == "DjangoInstrumentor"


def is_test_path(path: Path, root: Path) -> bool:
    """A test module: ``test_*.py``, ``*_tests.py``, ``tests.py``, ``conftest.py``, or
    anything in a ``tests``, ``test`` or ``testing`` folder below the project's root."""
    folders = path.relative_to(root).parts[:-1] if path.is_relative_to(root) else ()
    return bool(TEST_FILE.match(path.name)) or bool(TEST_FOLDERS & set(folders))


def in_type_checking(tree: ast.Module) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:``."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and is_type_checking(node.test):
            for statement in node.body:
                inside.update(id(n) for n in ast.walk(statement))
    return inside
