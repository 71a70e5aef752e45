"""OpenTelemetry for the shop: tracing from the standard OTEL_* variables, set up once per process.

The variables, and where each process sets it up: README.md, "Tracing".
"""

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

_configured = False


def configure_opentelemetry(*, span_processor: SpanProcessor | None = None) -> bool:
    """Set up tracing and instrument Django and its database driver; once per process.

    Before Django builds its WSGI/ASGI handler: the handler reads MIDDLEWARE when it is
    built, and ``DjangoInstrumentor`` works by adding its middleware there.

    ``span_processor`` replaces the exporter chosen by OTEL_TRACES_EXPORTER (the
    tests pass an in-memory one). Returns whether tracing is on.
    """
    global _configured
    if _configured:
        return True
    # The SDK's own reading of this variable, not the shop's yes/no words: only "true"
    # disables it, and the two must agree on whether tracing is on.
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False

    trace.set_tracer_provider(tracer_provider(span_processor=span_processor))
    instrument_django_and_database()
    instrument_celery()
    _configured = True
    return True


def tracer_provider(*, span_processor: SpanProcessor | None = None) -> TracerProvider:
    """The process's tracer provider: its resource, its exporters, and the SDK's sampler.

    No sampler is passed: the SDK then builds it from OTEL_TRACES_SAMPLER (and its
    argument), which a sampler of ours would silently override.
    """
    provider = TracerProvider(resource=resource())
    for processor in [span_processor] if span_processor else processors_from_environment():
        provider.add_span_processor(processor)
    return provider


def resource() -> Resource:
    """OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES as the SDK reads them; "shop" if unnamed."""
    detected = Resource.create()
    if detected.attributes.get("service.name", "").startswith("unknown_service"):
        return detected.merge(Resource({"service.name": "shop"}))
    return detected


def processors_from_environment() -> list[SpanProcessor]:
    names = [n.strip().lower() for n in os.environ.get("OTEL_TRACES_EXPORTER", "none").split(",")]
    return [processor_for(name) for name in names if name not in {"none", ""}]


def processor_for(exporter: str) -> SpanProcessor:
    if exporter == "console":
        return BatchSpanProcessor(ConsoleSpanExporter())
    if exporter == "otlp":
        # Optional: pip install "drf-production-kata[otlp]". Sends in the background;
        # an unreachable collector costs a logged warning, never a failed request.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return BatchSpanProcessor(OTLPSpanExporter())
    raise ValueError(f"OTEL_TRACES_EXPORTER takes none, console or otlp, got {exporter!r}.")


def instrument_django_and_database() -> None:
    """Django's request spans, and query spans from the driver Django really loads."""
    from django.conf import settings
    from opentelemetry.instrumentation.django import DjangoInstrumentor

    # Read the settings first, so that a settings mistake stops the process here naming
    # its variable: DjangoInstrumentor catches the ImproperlyConfigured and carries on
    # with empty settings (settings.configure()), leaving a KeyError for someone else.
    engine = settings.DATABASES["default"]["ENGINE"]
    disabled = disabled_instrumentations()
    if "django" not in disabled:
        DjangoInstrumentor().instrument()
    if engine == "django.db.backends.postgresql" and "psycopg" not in disabled:
        # psycopg 3. The psycopg2 instrumentor (the article's) would trace nothing.
        from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

        PsycopgInstrumentor().instrument()
    elif engine == "django.db.backends.sqlite3" and "sqlite3" not in disabled:
        from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor

        SQLite3Instrumentor().instrument()


def instrument_celery() -> None:
    """Tasks join the trace that queued them.

    Publishing a task writes the current trace context into its headers; the worker
    starts the task's span from them. So a checkout and the task that emails its
    confirmation, on another machine, are one trace. Without a broker the task runs
    in the request, inside its span.
    """
    if "celery" in disabled_instrumentations():
        return
    from opentelemetry.instrumentation.celery import CeleryInstrumentor

    CeleryInstrumentor().instrument()


def disabled_instrumentations() -> set[str]:
    value = os.environ.get("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", "")
    return {name.strip().lower() for name in value.split(",") if name.strip()}


tracer = trace.get_tracer("shop")
