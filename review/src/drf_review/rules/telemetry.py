"""Pattern 05: instrument before the handler is built, for the driver Django loads."""

import ast

from drf_review.engine import needs
from drf_review.project import is_django_instrument
from drf_review.syntax import walk_local

HANDLERS = {"get_wsgi_application", "get_asgi_application"}
TOO_LATE = {"urls.py", "views.py"}


@needs("Psycopg2Instrumentor")
def psycopg2_instrumentor(ctx):
    """DRP051: ``Psycopg2Instrumentor`` in a project that depends on psycopg 3."""
    if not ctx.project.psycopg3:
        return
    for node in ctx.nodes:
        if isinstance(node, ast.Call) and (ctx.resolve(node.func) or "").endswith(
            "Psycopg2Instrumentor"
        ):
            yield (
                "DRP051",
                node,
                "Psycopg2Instrumentor in a project that depends on psycopg 3: Django loads "
                "psycopg 3 when it is installed, so this patches a driver nobody calls and no "
                "query is traced; use PsycopgInstrumentor (opentelemetry-instrumentation-psycopg)",
            )


def instruments_django(ctx, call: ast.Call) -> bool:
    if is_django_instrument(ctx.module, call):
        return True
    key = ctx.project.callee(ctx.module, call, ctx.where(call).cls)
    return key in ctx.project.instrumenting


@needs("instrument", "get_wsgi_application", "get_asgi_application")
def instrumented_too_late(ctx):
    """DRP052: Django instrumented after ``get_wsgi_application()``, or in urls.py or a view."""
    location = ctx.module.location
    late_module = location.name in TOO_LATE or location.parent.name == "views"
    for node in ctx.nodes:
        if late_module and isinstance(node, ast.Call) and is_django_instrument(ctx.module, node):
            yield (
                "DRP052",
                node,
                f"Django is instrumented in {location.name}, which is imported after the "
                "handler has loaded its middleware, so no request is traced; instrument first "
                "thing in manage.py, wsgi.py and asgi.py, before get_wsgi_application()",
            )
        for body in (getattr(node, "body", None), getattr(node, "orelse", None)):
            if isinstance(body, list):
                yield from after_handler(ctx, body)


def after_handler(ctx, body: list[ast.stmt]):
    built = None
    for statement in body:
        for node in walk_local([statement]):
            if not isinstance(node, ast.Call):
                continue
            if built is not None and instruments_django(ctx, node):
                yield (
                    "DRP052",
                    node,
                    f"Django is instrumented after {built}() has built the handler, which read "
                    "MIDDLEWARE then, so no request is traced; instrument before building it",
                )
            name = (ctx.resolve(node.func) or "").split(".")[-1]
            if name in HANDLERS and built is None:
                built = name


EXPORTERS = ("opentelemetry.exporter.", "opentelemetry.sdk.trace.export.")


@needs("Exporter")
def exporter_hard_coded(ctx):
    """DRP053: a span exporter built unconditionally, whatever ``OTEL_TRACES_EXPORTER`` says."""
    if ctx.module.is_test:
        return
    for node in ctx.nodes:
        if not isinstance(node, ast.Call):
            continue
        name = ctx.resolve(node.func) or ""
        last = name.split(".")[-1]
        if not (name.startswith(EXPORTERS) and last.endswith("Exporter")) or "InMemory" in last:
            continue
        if conditional(ctx, node):
            continue
        yield (
            "DRP053",
            node,
            f"{last} is built whatever OTEL_TRACES_EXPORTER says, so spans always go there "
            "(and an unreachable endpoint is always tried); choose the exporter from "
            "OTEL_TRACES_EXPORTER, as opentelemetry-instrument does",
        )


def conditional(ctx, node: ast.AST) -> bool:
    """Whether ``node`` runs only on a condition, within its function."""
    parent = ctx.parents.get(id(node))
    while parent is not None and not isinstance(
        parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module | ast.Lambda
    ):
        if isinstance(parent, ast.If | ast.IfExp | ast.match_case | ast.ExceptHandler):
            return True
        if isinstance(parent, ast.Dict):  # a table of exporters by name
            return True
        parent = ctx.parents.get(id(parent))
    return False
