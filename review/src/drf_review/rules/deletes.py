"""Pattern 06: DELETE archives; a hard delete is opt-in and answers 409, even mid-race."""

import ast

from drf_review.engine import needs
from drf_review.rules.querysets import model_of
from drf_review.syntax import chain, filter_keywords, last_name, string, strings, walk_local

DESTROYING = {
    "ModelViewSet",
    "DestroyModelMixin",
    "DestroyAPIView",
    "RetrieveDestroyAPIView",
    "RetrieveUpdateDestroyAPIView",
}
DESTRUCTIVE = {"hard", "force", "purge", "permanent", "permanently", "hard_delete", "cascade"}
REQUEST_DATA = {"query_params", "GET", "POST", "data"}
WRAPPERS = {"str", "lower", "strip", "casefold", "upper"}
CAUGHT = {
    "ProtectedError",
    "RestrictedError",
    "IntegrityError",
    "DatabaseError",
    "Exception",
    "BaseException",
}


@needs("Destroy", "ModelViewSet")
def delete_endpoint_hard_deletes(ctx):
    """DRP061: DRF's own ``destroy`` (or one that only deletes) for a model others PROTECT."""
    for cls in ctx.nodes:
        if not isinstance(cls, ast.ClassDef):
            continue
        bases = [ctx.resolve(b) or "" for b in cls.bases]
        if not any(b.split(".")[-1] in DESTROYING for b in bases):
            continue
        methods = {
            n.name: n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        attributes = class_attributes(cls)
        allowed = strings(attributes.get("http_method_names"))
        if allowed is not None and "delete" not in [a.lower() for a in allowed]:
            continue
        overrides = [methods[m] for m in ("destroy", "perform_destroy") if m in methods]
        if overrides and not all(only_deletes(ctx, m) for m in overrides):
            continue
        model = None
        if "queryset" in attributes:
            model = model_of(ctx, attributes["queryset"])
        elif "model" in attributes:
            model = ctx.project.model(ctx.resolve(attributes["model"]))
        elif "get_queryset" in methods:
            for node in walk_local(methods["get_queryset"].body):
                if isinstance(node, ast.Return) and node.value is not None:
                    model = model or model_of(ctx, node.value, methods["get_queryset"].body)
        if model is None or model.key not in ctx.project.protected:
            continue
        why = ctx.project.protected[model.key]
        where = overrides[0] if overrides else cls
        yield (
            "DRP061",
            where,
            f"DELETE hard-deletes a {model.name} with no opt-in, and {why}: a referenced "
            "one is a ProtectedError (a 500) and any other is gone for good; archive by "
            "default and purge only on an explicit, validated ?hard=true",
        )


def class_attributes(cls: ast.ClassDef) -> dict[str, ast.expr]:
    found = {}
    for node in cls.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
    return found


def only_deletes(ctx, function: ast.AST) -> bool:
    """A ``destroy``/``perform_destroy`` that deletes on every path: no condition at all."""
    nodes = list(ctx.local_nodes(function))
    deletes = any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "delete"
        for n in nodes
    )
    return deletes and not any(isinstance(n, ast.If | ast.IfExp | ast.Try) for n in nodes)


@needs("hard", "force", "purge", "permanent", "cascade")
def flag_by_hand(ctx):
    """DRP062: a destructive flag (``?hard=``) read by hand, by truthiness or a word list."""
    for node in ctx.nodes:
        key, receiver = None, None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
        ):
            key, receiver = string(node.args[0]), node.func.value
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            key, receiver = string(node.slice), node.value
        if key not in DESTRUCTIVE or not (
            isinstance(receiver, ast.Attribute) and receiver.attr in REQUEST_DATA
        ):
            continue
        use = unwrapped(ctx, node)
        if used_as_boolean(ctx, use):
            yield (
                "DRP062",
                node,
                f"?{key}= is read by hand: a truthiness test takes ?{key}=false as yes, and a "
                f"word list quietly takes a typo (?{key}=ture) as no; parse it with a "
                "serializer's BooleanField, or a helper that answers 400 to anything else",
            )


def unwrapped(ctx, node: ast.AST) -> ast.AST:
    """``str(x).lower().strip()`` -> the outermost of them."""
    while True:
        parent = ctx.parents.get(id(node))
        if (
            isinstance(parent, ast.Call)
            and last_name(parent.func) in WRAPPERS
            and (node in parent.args)
        ):
            node = parent
        elif (
            isinstance(parent, ast.Attribute)
            and parent.attr in WRAPPERS
            and isinstance(ctx.parents.get(id(parent)), ast.Call)
        ):
            node = ctx.parents[id(parent)]
        else:
            return node


def used_as_boolean(ctx, node: ast.AST) -> bool:
    parent = ctx.parents.get(id(node))
    if isinstance(parent, ast.Compare):
        return True
    if isinstance(parent, ast.If | ast.While | ast.IfExp | ast.Assert) and parent.test is node:
        return True
    if isinstance(parent, ast.BoolOp) or (
        isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)
    ):
        return True
    if isinstance(parent, ast.Call) and last_name(parent.func) == "bool":
        return True
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        target = parent.targets[0]
        function = ctx.where(node).function
        if isinstance(target, ast.Name):
            return any(
                isinstance(n, ast.If | ast.While | ast.IfExp)
                and any(
                    isinstance(m, ast.Name) and m.id == target.id for m in boolean_operands(n.test)
                )
                for n in ctx.local_nodes(function)
            )
    return False


def boolean_operands(test: ast.expr) -> list[ast.expr]:
    """What a condition tests for truth: itself, the operands of and/or, what not negates."""
    if isinstance(test, ast.BoolOp):
        return [n for value in test.values for n in boolean_operands(value)]
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return boolean_operands(test.operand)
    return [test]


def check_then_delete(ctx):
    """DRP063: rows referring to ``x`` counted, then ``x.delete()`` with nothing catching."""
    for function in ctx.nodes:
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        checked: dict[str, int] = {}
        nodes = ctx.local_nodes(function)
        deletes = [
            n
            for n in nodes
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == "delete"
            and isinstance(n.func.value, ast.Name)
        ]
        if not deletes:
            continue
        for node in nodes:
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("exists", "count")
            ):
                for value in filter_keywords(chain(node), ("filter",)).values():
                    name = referred(value)
                    if name:
                        checked.setdefault(name, node.lineno)
        for node in deletes:
            name = node.func.value.id
            if name not in checked or checked[name] > node.lineno or caught(ctx, node):
                continue
            yield (
                "DRP063",
                node,
                f"Rows that refer to {name} are counted, then {name} is deleted, with nothing "
                "catching ProtectedError or IntegrityError: a row written in between (an "
                "order mid-checkout) makes it a 500; catch both around the delete and answer "
                "409",
            )


def referred(value: ast.expr) -> str | None:
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.Attribute) and value.attr in ("pk", "id"):
        return value.value.id if isinstance(value.value, ast.Name) else None
    return None


def caught(ctx, node: ast.AST) -> bool:
    for attempt in ctx.where(node).tries:
        for handler in attempt.handlers:
            if handler.type is None:
                return True
            types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            if any(last_name(t) in CAUGHT for t in types):
                return True
    return False
