"""Serve one request through a freshly built WSGI application; print its spans as JSON.

    python patterns/05_opentelemetry/probe.py shop|naive|article [PATH]

Tracing is set up once per process, so each variant gets a process of its own.
The spans are caught by an in-memory exporter added to whatever tracer provider
the variant configured.

The tests run it through ``testing.warm_python``: one server process runs
``prepare()`` and forks a child per probe. ``prepare()`` imports the shop and the
variants and sets Django up, which reads no ``OTEL_*`` variable, configures no
tracing and builds no handler: what each variant does, and when, still happens
in the child.
"""

import json
import os
import sys
from pathlib import Path
from wsgiref.util import setup_testing_defaults

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")


def prepare() -> None:
    """What every probe would do first, done once before the forks (see above)."""
    import importlib

    import django
    import opentelemetry.sdk.trace.export.in_memory_span_exporter  # noqa: F401
    from django.conf import settings

    import shop.core.telemetry  # noqa: F401  (defines configure_opentelemetry; runs nothing)
    from kata.variants import load_variant

    django.setup(set_prefix=False)
    importlib.import_module(settings.ROOT_URLCONF)
    for variant in ("naive", "article"):  # their imports; each builds nothing until called
        load_variant(__file__, variant)


def build(variant: str):
    if variant == "shop":
        from shop.wsgi import application

        return application
    from kata.variants import load_variant

    return load_variant(__file__, variant).build_application()


def main(variant: str, path: str) -> None:
    application = build(variant)
    from opentelemetry import trace
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = trace.get_tracer_provider()
    if hasattr(provider, "add_span_processor"):  # not when OTEL_SDK_DISABLED=true
        provider.add_span_processor(SimpleSpanProcessor(exporter))

    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "localhost"
    statuses = []
    b"".join(application(environ, lambda status, headers, *exc: statuses.append(status)))
    spans = [
        {
            "name": span.name,
            "kind": span.kind.name,
            "attributes": dict(span.attributes),
            "trace_id": span.context.trace_id,
            "span_id": span.context.span_id,
            "parent_id": span.parent.span_id if span.parent else None,
        }
        for span in exporter.get_finished_spans()
    ]
    print("PROBE " + json.dumps({"status": statuses[0], "spans": spans}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/api/health/")
