"""Pattern 10: nothing leaves before the COMMIT."""

import ast
import re

from drf_review.engine import needs
from drf_review.syntax import is_true, keyword, last_name, walk_local

MAIL = {
    "django.core.mail.send_mail",
    "django.core.mail.send_mass_mail",
    "django.core.mail.mail_admins",
    "django.core.mail.mail_managers",
}
MAIL_METHOD = re.compile(r"^(send_\w*mail|\w*_mail_send|mail_\w+)$")  # send_notification_mail
MESSAGES = ("EmailMessage", "EmailMultiAlternatives")
HTTP_WRITES = {"post", "put", "patch", "delete"}  # a GET changes nothing out there
QUEUE = {"delay", "apply_async", "enqueue"}
ON_COMMIT = "django.db.transaction.on_commit"


def effect(ctx, call: ast.Call, module=None) -> str | None:
    """What a call sends out, in words: mail, a task, an HTTP write; None for anything else.

    ``module``: the module the call is in, when it is not the checked file's.
    """
    module = module or ctx.module
    name = module.resolve(call.func) or ""
    if name in MAIL:
        return f"{name.split('.')[-1]}() sends mail"
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr == "send":
        receiver = func.value
        built = receiver.func if isinstance(receiver, ast.Call) else None
        if built is not None and (module.resolve(built) or "").endswith(MESSAGES):
            return "an email is sent"
    if MAIL_METHOD.match(func.attr):
        return f"mail is sent ({func.attr}())"
    if func.attr in QUEUE:
        task = module.resolve(func.value) or ""
        key = ctx.project.find(task, ctx.project.functions)
        if func.attr == "enqueue" or key in ctx.project.tasks or ".tasks." in f".{task}":
            return f"a task is queued ({task.split('.')[-1]}.{func.attr}())"
    head, _, verb = name.rpartition(".")
    if head in ("requests", "httpx") and verb in HTTP_WRITES:
        return f"an HTTP request is made ({name}())"
    return None


def sends_out(ctx, callback: ast.AST, depth: int = 2) -> str | None:
    """What a callback sends out when it runs: a lambda's calls, a function's body (the
    file's, or the project's, two calls deep), a ``partial``'s function."""
    module = ctx.module
    if isinstance(callback, ast.Call) and last_name(callback.func) == "partial" and callback.args:
        callback = callback.args[0]
    if isinstance(callback, ast.Lambda):
        calls = [n for n in ast.walk(callback.body) if isinstance(n, ast.Call)]
        return first_effect(ctx, calls, module, depth)
    if isinstance(callback, ast.Name | ast.Attribute):
        local = next(
            (
                n
                for n in ctx.nodes
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                and isinstance(callback, ast.Name)
                and n.name == callback.id
            ),
            None,
        )
        if local is not None:
            calls = [n for n in walk_local(local.body) if isinstance(n, ast.Call)]
            return first_effect(ctx, calls, module, depth)
        return function_effect(
            ctx, ctx.project.find(module.resolve(callback), ctx.project.functions), depth
        )
    return None


def first_effect(ctx, calls: list[ast.Call], module, depth: int) -> str | None:
    for call in calls:
        what = effect(ctx, call, module)
        if what:
            return what
    if depth > 0:
        for call in calls:
            key = ctx.project.callee(module, call, None)
            what = function_effect(ctx, key, depth - 1)
            if what:
                return what
    return None


def function_effect(ctx, key: str | None, depth: int) -> str | None:
    function = ctx.project.functions.get(key) if key else None
    if function is None:
        return None
    calls = [n for n in walk_local(function.node.body) if isinstance(n, ast.Call)]
    return first_effect(ctx, calls, function.module, depth)


@needs("send", "mail", "delay", "apply_async", "enqueue", "requests", "httpx")
def side_effect_in_transaction(ctx):
    """DRP101: mail, a task or an HTTP call inside a transaction (or a function one calls)."""
    for node in ctx.nodes:
        if not isinstance(node, ast.Call):
            continue
        what = effect(ctx, node)
        if what is None:
            continue
        inside = ctx.transaction(node)
        if inside:
            yield (
                "DRP101",
                node,
                f"{what[0].upper()}{what[1:]} inside {inside}: a rollback cannot take it back, "
                "and a worker can run before the COMMIT and find nothing; write an outbox row "
                "in the transaction, or send it after commit "
                "(transaction.on_commit(..., robust=True))",
            )


def is_on_commit(ctx, call: ast.Call) -> bool:
    name = ctx.resolve(call.func) or ""
    return name == ON_COMMIT or name.endswith(".transaction.on_commit")


@needs("on_commit")
def lambda_in_loop(ctx):
    """DRP102: ``on_commit(lambda: ...)`` that captures a loop variable."""
    for node in ctx.nodes:
        if not (isinstance(node, ast.Call) and is_on_commit(ctx, node)):
            continue
        callback = node.args[0] if node.args else keyword(node, "func")
        if not isinstance(callback, ast.Lambda):
            continue
        loops = ctx.where(node).loops
        bound = {a.arg for a in [*callback.args.args, *callback.args.kwonlyargs]}
        variables = set()
        for loop in loops:
            targets = (
                [loop.target]
                if isinstance(loop, ast.For | ast.AsyncFor)
                else [g.target for g in getattr(loop, "generators", [])]
            )
            for target in targets:
                variables.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            if isinstance(loop, ast.For | ast.AsyncFor | ast.While):
                variables.update(assigned_in(loop.body))
        used = {
            n.id
            for n in ast.walk(callback.body)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        captured = sorted((used & variables) - bound)
        if captured:
            yield (
                "DRP102",
                callback,
                f"This on_commit lambda reads {captured[0]}, which the loop rebinds: every "
                "callback runs after the loop, with its last value; bind it now, with "
                f"functools.partial(func, {captured[0]}) or a default argument",
            )


def assigned_in(body: list[ast.stmt]) -> set[str]:
    names = set()
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names


@needs("on_commit")
def on_commit_not_robust(ctx):
    """DRP103: ``on_commit()`` without ``robust=True`` for a callback that sends something
    out (mail, a task, an HTTP write), or ``delay_on_commit()``."""
    if ctx.module.is_test:
        return
    for node in ctx.nodes:
        if not isinstance(node, ast.Call):
            continue
        if is_on_commit(ctx, node) and not is_true(keyword(node, "robust")):
            callback = node.args[0] if node.args else keyword(node, "func")
            what = sends_out(ctx, callback) if callback is not None else None
            if what:
                yield (
                    "DRP103",
                    node,
                    f"on_commit() without robust=True, and its callback talks to the outside "
                    f"world ({what}): when that fails, the committed request becomes a 500 and "
                    "the callbacks after it are skipped; pass robust=True (Django 4.2+), or "
                    "write an outbox row instead",
                )
        elif last_name(node.func) in ("delay_on_commit", "apply_async_on_commit"):
            yield (
                "DRP103",
                node,
                f"{last_name(node.func)}() registers a plain on_commit callback: a broker that "
                "is down turns the committed request into a 500; queue it from "
                "on_commit(..., robust=True), or write an outbox row instead",
            )
