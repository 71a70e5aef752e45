"""Tracing as the article's section 5 sets it up, called "from the start".

The function is the article's: a resource with ``service.name`` from
``OTEL_SERVICE_NAME`` (default "my-backend") and ``deployment.environment`` from
``ENVIRONMENT`` (default "production"), a ``BatchSpanProcessor`` shipping to an
OTLP exporter at ``OTEL_EXPORTER_OTLP_ENDPOINT``, then the Django and psycopg2
instrumentors. The article never says where to call it; "from the start" reads
as first thing in ``wsgi.py``, before Django builds its handler, so that is
where this variant calls it (the naive variant shows the other place it lands).

As printed, the snippet uses ``os``, ``Resource`` and ``trace`` without importing
them; they are imported here. It imports the gRPC exporter, which this project
does not install; the HTTP/protobuf one stands in for it, and nothing the tests
check depends on the transport: either one needs a collector, and neither reads
``OTEL_TRACES_EXPORTER``.

What follows from it: request spans, because the handler is built after the
Django instrumentor ran; no query spans, because Django loads psycopg 3 and the
psycopg2 instrumentor patches a driver nobody calls; and spans always go to
OTLP, whatever ``OTEL_TRACES_EXPORTER`` says. ``OTEL_SDK_DISABLED=true`` still
works: the SDK's ``TracerProvider`` reads it and hands out no-op tracers.
"""

import os

from django.core.wsgi import get_wsgi_application
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.psycopg2 import Psycopg2Instrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


def configure_opentelemetry():
    resource = Resource.create(
        {
            "service.name": os.getenv("OTEL_SERVICE_NAME", "my-backend"),
            "deployment.environment": os.getenv("ENVIRONMENT", "production"),
        }
    )
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=os.getenv("OTEL_EXPORTER_OTLP_ENDPOINT")))
    )
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    Psycopg2Instrumentor().instrument()


def build_application():
    """``shop/wsgi.py`` with the article's function called first."""
    configure_opentelemetry()
    return get_wsgi_application()
