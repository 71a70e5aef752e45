"""Tracing as the article sets it up, added where it is usually added: last.

The function is the article's, near enough: a provider, the Django
instrumentor, and the psycopg2 instrumentor. Two things go wrong, silently:

- it runs after ``get_wsgi_application()`` has built the handler, and the
  handler read MIDDLEWARE when it was built, so the middleware that
  ``DjangoInstrumentor`` adds is never in the chain: no request spans;
- the shop runs psycopg 3. With psycopg2 installed beside it, as in many
  projects, the psycopg2 instrumentor patches ``psycopg2.connect``, which Django
  never calls: no query spans, and no warning. (Without psycopg2 the import fails.)
"""

from django.core.wsgi import get_wsgi_application
from opentelemetry import trace
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.psycopg2 import Psycopg2Instrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider


def configure_opentelemetry():
    provider = TracerProvider(resource=Resource.create({"service.name": "shop"}))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    Psycopg2Instrumentor().instrument()


def build_application():
    """``shop/wsgi.py`` as it looks after "adding observability" at the end of it."""
    application = get_wsgi_application()
    configure_opentelemetry()
    return application
