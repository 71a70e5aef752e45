"""Pattern 03: tokens only for active accounts; a verification link is its own token."""

import ast
import re
from itertools import pairwise

from drf_review.engine import needs

DEFAULT_GENERATOR = "django.contrib.auth.tokens.default_token_generator"
VERIFICATION = re.compile(r"verif|activat|confirm", re.IGNORECASE)
RESET = re.compile(r"reset|password", re.IGNORECASE)
TOKEN_CLASSES = {"RefreshToken", "AccessToken", "SlidingToken"}


@needs("default_token_generator")
def reset_token_for_verification(ctx):
    """DRP031: ``default_token_generator`` behind an email verification."""
    for node in ctx.nodes:
        if not isinstance(node, ast.Name | ast.Attribute) or ctx.resolve(node) != DEFAULT_GENERATOR:
            continue
        names = context_names(ctx, node)
        if any(VERIFICATION.search(n) for n in names) and not any(RESET.search(n) for n in names):
            yield (
                "DRP031",
                node,
                "An email verification uses default_token_generator, the password-reset "
                "generator: its token also resets the password, and it ignores verification "
                "so a used link keeps working; subclass PasswordResetTokenGenerator with its "
                "own key_salt and hash is_active (or a verified-at time)",
            )


def context_names(ctx, node: ast.AST) -> list[str]:
    """The names around a use: its function, class, assignment or keyword, and its file."""
    where = ctx.where(node)
    names = [ctx.module.location.stem]
    for scope in (where.function, where.cls):
        if scope is not None and hasattr(scope, "name"):
            names.append(scope.name)
    parent = ctx.parents.get(id(node))
    if isinstance(parent, ast.Assign):
        names += [t.id for t in parent.targets if isinstance(t, ast.Name)]
        names += [t.attr for t in parent.targets if isinstance(t, ast.Attribute)]
    elif isinstance(parent, ast.keyword) and parent.arg:
        names.append(parent.arg)
    return names


def runs_together(expression: ast.expr) -> bool:
    """``f"{a}{b}"``, ``str(a) + str(b)`` or ``"".join([a, b])``: two values, no separator."""
    if isinstance(expression, ast.JoinedStr):
        values = expression.values
        return any(
            isinstance(a, ast.FormattedValue) and isinstance(b, ast.FormattedValue)
            for a, b in pairwise(values)
        )
    if isinstance(expression, ast.BinOp) and isinstance(expression.op, ast.Add):
        operands = flatten_add(expression)
        return any(not is_text(a) and not is_text(b) for a, b in pairwise(operands))
    if (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Attribute)
        and expression.func.attr == "join"
        and isinstance(expression.func.value, ast.Constant)
        and expression.func.value.value == ""
        and expression.args
        and isinstance(expression.args[0], ast.List | ast.Tuple)
    ):
        return len(expression.args[0].elts) >= 2
    return False


def flatten_add(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*flatten_add(node.left), *flatten_add(node.right)]
    return [node]


def is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value != ""


@needs("_make_hash_value")
def hash_fields_run_together(ctx):
    """DRP032: a ``_make_hash_value`` that runs fields together with no separator."""
    for function in ctx.nodes:
        if not (
            isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            and function.name == "_make_hash_value"
        ):
            continue
        returned = set()
        values = []
        for node in ctx.local_nodes(function):
            if isinstance(node, ast.Return) and node.value is not None:
                values.append(node.value)
                if isinstance(node.value, ast.Name):
                    returned.add(node.value.id)
        for node in ctx.local_nodes(function):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in returned for t in node.targets
            ):
                values.append(node.value)
        for value in values:
            if runs_together(value):
                yield (
                    "DRP032",
                    value,
                    "This token hash runs fields together with no separator, so user 1 with "
                    '"2v@x.io" and user 12 with "v@x.io" hash the same text; keep the fields '
                    "apart (json.dumps of a list, or a separator no field can contain)",
                )


@needs("for_user")
def token_for_unchecked_user(ctx):
    """DRP033: ``RefreshToken.for_user()`` with no ``is_active`` check in the function."""
    for node in ctx.nodes:
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "for_user"
        ):
            continue
        name = ctx.resolve(node.func.value) or ""
        if name.split(".")[-1] not in TOKEN_CLASSES:
            continue
        function = ctx.where(node).function
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and (
            function.name == "get_token" or checks_active(function)
        ):
            continue
        yield (
            "DRP033",
            node,
            f"{name.split('.')[-1]}.for_user() mints tokens without the is_active check "
            "simplejwt's serializers make, so an unverified or deactivated account gets in; "
            "check user.is_active (after the password) first, or go through "
            "TokenObtainPairSerializer",
        )


def checks_active(function: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Attribute) and n.attr in ("is_active", "user_can_authenticate")
        for n in ast.walk(function)
    )
