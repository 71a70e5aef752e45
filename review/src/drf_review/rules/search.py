"""Pattern 07: rank the matches, and end every order with a unique key."""

import ast

from drf_review.engine import needs
from drf_review.rules.querysets import model_of
from drf_review.syntax import chain, last_name, string, top_of_chain, walk_local

RANKERS = {
    "Case",
    "SearchRank",
    "TrigramSimilarity",
    "TrigramWordSimilarity",
    "TrigramStrictWordSimilarity",
    "TrigramDistance",
}
UNIQUE = {"id", "pk"}
SUBSTRING = ("__icontains", "__contains", "__search", "__trigram_similar")


def scopes(tree: ast.Module):
    yield tree.body
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.body


@needs("annotate")
def ranked_order_without_unique_key(ctx):
    """DRP071: an ``order_by`` on a rank that does not end in a unique column."""
    for body in scopes(ctx.tree):
        nodes = list(walk_local(body))
        ranks = {
            k.arg
            for n in nodes
            if isinstance(n, ast.Call) and last_name(n.func) == "annotate"
            for k in n.keywords
            if k.arg and isinstance(k.value, ast.Call) and last_name(k.value.func) in RANKERS
        }
        if not ranks:
            continue
        for node in nodes:
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "order_by"
                and node.args
            ):
                continue
            keys = [string(a) for a in node.args]
            if not any(k and k.lstrip("-") in ranks for k in keys):
                continue
            last = keys[-1]
            if last is None:
                continue  # an expression: not read here
            if not flows_out(ctx, node, body):
                continue  # read here (a first row, a count): the ties' order decides nothing seen
            field = last.lstrip("-")
            model = model_of(ctx, chain(node), body)
            unique = UNIQUE | (
                {n for n, f in model.fields.items() if f.unique} if model is not None else set()
            )
            if field in unique:
                continue
            yield (
                "DRP071",
                node,
                f"This ranked order ends in {last!r}, which two rows can share: rows that tie "
                "come back in any order, so pages repeat or skip them; end it with a unique "
                'key such as "-id"',
            )


ONE_ANSWER = {"first", "last", "get", "earliest", "latest", "exists", "count", "aggregate"}
PAGINATORS = {"Paginator", "paginate_queryset", "paginate", "get_paginated_response"}


def flows_out(ctx, node: ast.Call, body: list[ast.AST]) -> bool:
    """Whether the ordered rows leave the function (returned) or go to a paginator."""
    top = top_of_chain(node, ctx.parents)
    if ONE_ANSWER & set(chain(top).methods) or isinstance(top, ast.Subscript):
        return False  # .first(), .count(), [0]: one answer, not rows in an order
    parent = ctx.parents.get(id(top))
    if isinstance(parent, ast.Return) or (
        isinstance(parent, ast.Call) and last_name(parent.func) in PAGINATORS
    ):
        return True
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        target = parent.targets[0]
        if isinstance(target, ast.Attribute) and target.attr == "queryset":
            return True
        if isinstance(target, ast.Name):
            for other in walk_local(body):
                used = isinstance(other, ast.Name) and other.id == target.id
                holder = ctx.parents.get(id(other)) if used else None
                if isinstance(holder, ast.Return) or (
                    isinstance(holder, ast.Call) and last_name(holder.func) in PAGINATORS
                ):
                    return True
    return False


@needs("search")
def unranked_search(ctx):
    """DRP072: a search function that returns substring matches in no ranked order."""
    for function in ctx.nodes:
        if not (
            isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            and "search" in function.name.lower()
        ):
            continue
        parameters = {a.arg for a in [*function.args.args, *function.args.kwonlyargs]}
        for node in ctx.local_nodes(function):
            if not isinstance(node, ast.Return) or node.value is None:
                continue
            found = chain(node.value)
            if found.has("order_by", "annotate", "alias"):
                continue
            matches = [
                k
                for call in found.calls("filter")
                for k in call.keywords
                if k.arg
                and k.arg.endswith(SUBSTRING)
                and isinstance(k.value, ast.Name)
                and k.value.id in parameters
            ]
            if matches:
                yield (
                    "DRP072",
                    node,
                    f"This search returns every name containing the term ({matches[0].arg}) "
                    "in the table's order, so an exact match can land on page three; rank it "
                    "(exact, then prefix, then substring, with Case/When) and order by the "
                    'rank, then a unique key such as "-id"',
                )
