"""What the rules ask of a queryset expression: which model it starts from, what it
was assigned from, what it is used as."""

import ast
from collections.abc import Iterator

from drf_review.project import Model
from drf_review.syntax import Chain, chain, walk_local

MANAGERS = {"objects", "_default_manager", "_base_manager", "all_objects"}
SINGLE_ROW = {"get", "first", "last", "earliest", "latest", "get_or_create", "update_or_create"}


def functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def scopes(tree: ast.Module) -> Iterator[list[ast.stmt]]:
    """The module's own statements, then each function's: the rules' units of flow."""
    yield tree.body
    for function in functions(tree):
        yield function.body


def assignments(body: list[ast.AST]) -> dict[str, list[ast.expr]]:
    """name -> the expressions assigned to it in these statements (not in nested functions)."""
    found: dict[str, list[ast.expr]] = {}
    for node in walk_local(body):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif (
            isinstance(node, ast.AnnAssign | ast.NamedExpr)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            found.setdefault(node.target.id, []).append(node.value)
    return found


def model_of(ctx, expression: Chain | ast.expr, body: list[ast.AST] | None = None) -> Model | None:
    """The project model a queryset chain starts from: ``Order.objects...``, or a name
    assigned once, in ``body``, from such a chain."""
    found = expression if isinstance(expression, Chain) else chain(expression)
    root, steps = found.root, found.steps
    if not isinstance(root, ast.Call):
        # ``Order.objects``, ``models.Order.objects``: the longest prefix that is a model.
        for size in range(len(steps), -1, -1):
            if any(s.kind != "attr" for s in steps[:size]):
                continue
            name = ctx.resolve(root)
            name = ".".join([name, *(s.name for s in steps[:size])]) if name else None
            model = ctx.project.model(name)
            if model is not None:
                rest = steps[size:]
                return model if not rest or rest[0].name in MANAGERS else None
    if isinstance(root, ast.Name) and body is not None:
        values = assignments(body).get(root.id, [])
        if len(values) == 1 and not isinstance(values[0], ast.Name):
            return model_of(ctx, values[0], None)
    return None
