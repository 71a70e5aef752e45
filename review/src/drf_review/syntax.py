"""Reading names and queryset chains out of the syntax tree."""

import ast
from collections.abc import Iterator
from dataclasses import dataclass


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a Name or an Attribute chain of Names; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def last_name(node: ast.AST) -> str | None:
    """The last name of a callee: ``models.ForeignKey`` -> ``ForeignKey``."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def strings(node: ast.AST | None) -> list[str] | None:
    """The strings of a list or tuple of string constants; None if it is anything else."""
    if not isinstance(node, ast.List | ast.Tuple):
        return None
    values = [string(element) for element in node.elts]
    return None if any(v is None for v in values) else values


@dataclass
class Step:
    kind: str  # "attr", "call" or "index"
    name: str  # the attribute or method name ("" for an index)
    node: ast.AST  # the Attribute, Call or Subscript


@dataclass
class Chain:
    """``SKU.objects.select_for_update(of=...).filter(...).order_by("id")``: the root
    (``SKU``) and each step after it, innermost first."""

    root: ast.expr
    steps: list[Step]
    node: ast.expr  # the whole expression

    def calls(self, name: str) -> list[ast.Call]:
        return [s.node for s in self.steps if s.kind == "call" and s.name == name]

    def has(self, *names: str) -> bool:
        return any(s.kind == "call" and s.name in names for s in self.steps)

    @property
    def methods(self) -> list[str]:
        return [s.name for s in self.steps if s.kind == "call"]


def chain(node: ast.expr) -> Chain:
    steps: list[Step] = []
    whole = node
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            steps.append(Step("call", node.func.attr, node))
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            steps.append(Step("attr", node.attr, node))
            node = node.value
        elif isinstance(node, ast.Subscript):
            steps.append(Step("index", "", node))
            node = node.value
        else:
            break
    return Chain(node, list(reversed(steps)), whole)


def top_of_chain(node: ast.expr, parents: dict[int, ast.AST]) -> ast.expr:
    """The outermost expression that still continues the chain ``node`` is in."""
    while True:
        parent = parents.get(id(node))
        if (isinstance(parent, ast.Attribute | ast.Subscript) and parent.value is node) or (
            isinstance(parent, ast.Call) and parent.func is node
        ):
            node = parent
        else:
            return node


def filter_keywords(chain_: Chain, methods: tuple[str, ...] = ("filter", "get")) -> dict:
    """keyword -> value of every ``filter(...)``/``get(...)`` call in the chain."""
    found = {}
    for call in (s.node for s in chain_.steps if s.kind == "call" and s.name in methods):
        for kw in call.keywords:
            if kw.arg:
                found[kw.arg] = kw.value
    return found


def field_of_lookup(lookup: str) -> str:
    """``user__id`` -> ``user``, ``email__iexact`` -> ``email``, ``user_id`` -> ``user``."""
    field = lookup.split("__")[0]
    return field[:-3] if field.endswith("_id") and field != "_id" else field


def walk_local(nodes: list[ast.AST]) -> Iterator[ast.AST]:
    """Every node in ``nodes``, without descending into nested functions, lambdas or classes."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def is_type_checking(test: ast.expr) -> bool:
    name = dotted(test)
    return name is not None and name.split(".")[-1] == "TYPE_CHECKING"


def position(node: ast.AST) -> tuple[int, int]:
    """1-based line and column, as flake8 and ruff print them."""
    return getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
