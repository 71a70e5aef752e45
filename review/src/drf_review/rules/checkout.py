"""Pattern 08: lock in a fixed order, take stock with F(), one order per key."""

import ast
import re

from drf_review.engine import needs
from drf_review.project import named_in
from drf_review.rules.querysets import SINGLE_ROW, model_of
from drf_review.syntax import (
    chain,
    field_of_lookup,
    filter_keywords,
    is_true,
    keyword,
    last_name,
    top_of_chain,
    walk_local,
)

STOCK = re.compile(
    r"(^|_)(stock|quantity|qty|inventory|balance|on_hand|allocated|available|remaining|"
    r"seats|credits?)($|_)"
)
ONE_ROW_KEYS = {"pk", "id", "pk__exact", "id__exact"}


def scope_of(ctx, node: ast.AST) -> list[ast.AST]:
    function = ctx.where(node).function
    return getattr(function, "body", None) or ctx.tree.body


@needs("select_for_update")
def unordered_locks(ctx):
    """DRP081: ``select_for_update()`` over many rows with no order, or one row per loop turn."""
    project = ctx.project
    for node in ctx.nodes:
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "select_for_update"
        ):
            continue
        if is_true(keyword(node, "skip_locked")) or is_true(keyword(node, "nowait")):
            continue  # never waits, so never deadlocks
        where = ctx.where(node)
        function = where.function
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and named_in(
            f"{ctx.module.name}.{function.name}", project.config.lock_helpers
        ):
            continue  # a configured lock helper: trusted to order its rows
        top = top_of_chain(node, ctx.parents)
        found = chain(top)
        if found.has("order_by"):
            continue
        body = scope_of(ctx, node)
        if one_row(ctx, top, found, body):
            if where.loops:
                yield (
                    "DRP081",
                    node,
                    "Rows are locked one at a time inside a loop, in the loop's order: two "
                    "transactions that meet the same rows in another order deadlock; lock them "
                    'all in one statement, .select_for_update().filter(pk__in=...).order_by("id")',
                )
            continue
        if isinstance(ctx.parents.get(id(top)), ast.Return):
            continue  # the caller decides how many rows it takes
        model = model_of(ctx, found, body)
        if model is None or model.ordered:
            # Meta.ordering puts an ORDER BY in the statement; a model the index cannot
            # tell (a related manager, a parameter) may have one, so it is not guessed at.
            continue
        yield (
            "DRP081",
            node,
            "select_for_update() locks these rows in whatever order the database reads them: "
            "two transactions that lock an overlapping set in different orders deadlock; add "
            '.order_by("id") to the locking query',
        )


def one_row(ctx, top: ast.expr, found, body: list[ast.AST]) -> bool:
    if any(m in SINGLE_ROW for m in found.methods):
        return True
    if isinstance(top, ast.Subscript) and isinstance(top.slice, ast.Constant):
        return True
    if ONE_ROW_KEYS & set(filter_keywords(found)):
        return True
    parent = ctx.parents.get(id(top))
    if isinstance(parent, ast.Call) and last_name(parent.func) in (
        "get_object_or_404",
        "get_list_or_404",
    ):
        return last_name(parent.func) == "get_object_or_404"
    if isinstance(parent, ast.Assign):
        names = {t.id for t in parent.targets if isinstance(t, ast.Name)}
        uses = [
            n
            for n in walk_local(body)
            if isinstance(n, ast.Name) and n.id in names and isinstance(n.ctx, ast.Load)
        ]
        if uses and all(used_for_one_row(ctx, use) for use in uses):
            return True
    return False


def used_for_one_row(ctx, name: ast.Name) -> bool:
    parent = ctx.parents.get(id(name))
    if isinstance(parent, ast.Attribute):
        top = top_of_chain(name, ctx.parents)
        found = chain(top)
        return any(m in SINGLE_ROW for m in found.methods) or bool(
            ONE_ROW_KEYS & set(filter_keywords(found))
        )
    return bool(isinstance(parent, ast.Call) and last_name(parent.func) == "get_object_or_404")


@needs(".save(")
def stock_from_python(ctx):
    """DRP082: ``sku.stock -= n`` then ``sku.save()``, on a row nothing locked."""
    for function in ctx.nodes:
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        nodes = ctx.local_nodes(function)
        changed = [
            (node, target)
            for node in nodes
            if isinstance(node, ast.AugAssign | ast.Assign)
            and (target := changed_from_itself(node)) is not None
            and STOCK.search(target.attr)
        ]
        if not changed:
            continue
        locked = locked_names(ctx, function.body)
        saves = [
            n
            for n in nodes
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == "save"
        ]
        for node, target in changed:
            holder = ast.unparse(target.value)
            base = base_name(target.value)
            if base in locked:
                continue
            if any(ast.unparse(s.func.value) == holder and s.lineno >= node.lineno for s in saves):
                shown = ast.unparse(target)
                yield (
                    "DRP082",
                    node,
                    f"{shown} is changed in Python and saved back: two requests that read the "
                    "same value both write theirs and one change is lost; update it in the "
                    f'database, .filter(pk=...).update({target.attr}=F("{target.attr}") - n), '
                    "behind a CheckConstraint, or lock the row first",
                )


def changed_from_itself(node: ast.AST) -> ast.Attribute | None:
    """``x.stock -= n`` or ``x.stock = x.stock - n``: the attribute changed."""
    if (
        isinstance(node, ast.AugAssign)
        and isinstance(node.target, ast.Attribute)
        and isinstance(node.op, ast.Sub | ast.Add)
    ):
        return node.target
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Attribute)
        and isinstance(node.value, ast.BinOp)
        and isinstance(node.value.op, ast.Sub | ast.Add)
        and ast.unparse(node.value.left) == ast.unparse(node.targets[0])
    ):
        return node.targets[0]
    return None


def base_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def locked_names(ctx, body: list[ast.AST]) -> set[str]:
    """Names bound, in ``body``, to rows a ``select_for_update()`` or a lock helper returned."""
    locked: set[str] = set()

    def is_locked(expression: ast.AST) -> bool:
        for n in ast.walk(expression):
            if isinstance(n, ast.Call) and (
                last_name(n.func) == "select_for_update"
                or ctx.project.is_lock_helper(ctx.module, n.func)
            ):
                return True
            if isinstance(n, ast.Name) and n.id in locked:
                return True
        return False

    for _ in range(3):
        for node in walk_local(body):
            if isinstance(node, ast.Assign) and is_locked(node.value):
                for target in node.targets:
                    locked.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif (isinstance(node, ast.For | ast.AsyncFor) and is_locked(node.iter)) or (
                isinstance(node, ast.comprehension) and is_locked(node.iter)
            ):
                locked.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
    return locked


@needs(".create(")
def check_then_create(ctx):
    """DRP083: a lookup, then ``create`` of the same model, with no unique constraint on it.

    The created row must carry the fields looked up (it is the row the lookup missed);
    not in tests, which do not race.
    """
    if ctx.module.is_test:
        return
    for function in ctx.nodes:
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        nodes = ctx.local_nodes(function)
        creates = [
            n
            for n in nodes
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == "create"
        ]
        if not creates:
            continue
        checks = []
        for node in nodes:
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("exists", "first", "get", "last")
            ):
                continue
            found = chain(node)
            if found.has("create", "get_or_create"):
                continue
            keywords = filter_keywords(found)
            calls = [
                s.node for s in found.steps if s.kind == "call" and s.name in ("filter", "get")
            ]
            if (
                not keywords
                or any(k.arg is None for c in calls for k in c.keywords)
                or any(c.args for c in calls)
            ):
                continue  # **kwargs or Q objects: the fields are not known
            model = model_of(ctx, found, function.body)
            if model is None or not model.complete:
                continue
            fields = {field_of_lookup(k) for k in keywords}
            if fields & {"pk", "id"}:
                continue
            checks.append((node, model, fields))
        for node in creates if checks else []:
            model = model_of(ctx, chain(node), function.body)
            created = {field_of_lookup(k.arg) for k in node.keywords if k.arg}
            for check, checked, fields in checks:
                if checked is not model or check.lineno > node.lineno or not fields <= created:
                    continue
                if any(unique <= fields for unique in model.unique_sets):
                    continue
                shown = ", ".join(sorted(fields))
                yield (
                    "DRP083",
                    node,
                    f"{model.name} is looked up by ({shown}), then created, with no unique "
                    "constraint on those fields: two requests at once both find nothing and "
                    f"both insert; add UniqueConstraint(fields=[{', '.join(repr(f) for f in sorted(fields))}]) "
                    "and treat its IntegrityError as the other request's row",
                )
                break
