"""Tracing in the running shop (pattern 05): the test run's in-memory exporter sees it all."""

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from testing.factories import ProductFactory

pytestmark = pytest.mark.django_db


def by_name(spans, name: str) -> list:
    return [span for span in spans.get_finished_spans() if span.name == name]


@pytest.fixture
def cart_with(client_for, user):
    def make(quantity: int):
        client = client_for(user)
        sku = ProductFactory(skus=1).skus.get()
        cart = client.post("/api/carts/").json()
        client.post(
            f"/api/carts/{cart['id']}/items/",
            {"sku_id": sku.pk, "quantity": quantity},
            format="json",
        )
        return client, cart["id"], sku

    return make


def test_a_request_span_has_its_route_status_and_query_children(api_client, spans):
    api_client.get("/api/products/")

    (request,) = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    route, status = request.attributes["http.route"], request.attributes["http.status_code"]
    # DRF's router registers regex routes; the span names the pattern, anchor and all.
    assert (route, status) == ("api/products/$", 200)
    queries = [s for s in spans.get_finished_spans() if s.kind is SpanKind.CLIENT]
    assert queries, "no query spans"
    assert all(q.parent.span_id == request.context.span_id for q in queries)
    assert any("products_product" in q.attributes["db.statement"] for q in queries)


def test_checkout_has_its_own_span_inside_the_requests_trace(cart_with, spans):
    client, cart_id, _ = cart_with(2)

    response = client.post(
        "/api/checkouts/", {"cart_id": cart_id}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    (checkout,) = by_name(spans, "checkout")
    (request,) = by_name(spans, "POST api/checkouts/")
    assert checkout.context.trace_id == request.context.trace_id
    assert checkout.parent.span_id == request.context.span_id
    assert dict(checkout.attributes) == {
        "shop.cart.id": cart_id,
        "shop.checkout.idempotency_key": True,
        "shop.checkout.lines": 1,
        "shop.order.id": response.json()["id"],
        "shop.checkout.replayed": False,
    }


def test_a_replayed_checkout_says_so_on_its_span(cart_with, spans):
    client, cart_id, _ = cart_with(1)
    for _ in range(2):
        client.post(
            "/api/checkouts/", {"cart_id": cart_id}, format="json", HTTP_IDEMPOTENCY_KEY="k"
        )

    assert [s.attributes["shop.checkout.replayed"] for s in by_name(spans, "checkout")] == [
        False,
        True,
    ]


def test_a_failed_checkout_records_the_error_on_its_span(cart_with, spans):
    client, cart_id, sku = cart_with(5)
    sku.stock = 1
    sku.save()

    response = client.post("/api/checkouts/", {"cart_id": cart_id}, format="json")

    assert response.status_code == 409
    (checkout,) = by_name(spans, "checkout")
    assert checkout.status.status_code is StatusCode.ERROR
    (event,) = checkout.events
    assert event.name == "exception"
    assert event.attributes["exception.type"].endswith("InsufficientStock")


# --- Configuration from OTEL_* -------------------------------------------------------------


def test_no_exporter_is_the_default(monkeypatch):
    from shop.core.telemetry import processors_from_environment

    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)

    assert processors_from_environment() == []


def test_exporters_can_be_listed(monkeypatch):
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from shop.core.telemetry import processors_from_environment

    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console, otlp")

    processors = processors_from_environment()
    assert [type(p) for p in processors] == [BatchSpanProcessor, BatchSpanProcessor]
    for processor in processors:
        processor.shutdown()


def test_an_unknown_exporter_fails_clearly(monkeypatch):
    from shop.core.telemetry import processors_from_environment

    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "zipkin")

    with pytest.raises(ValueError, match="zipkin"):
        processors_from_environment()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "shop"),
        ({"OTEL_SERVICE_NAME": "shop-eu"}, "shop-eu"),
        (
            {"OTEL_RESOURCE_ATTRIBUTES": "service.name=shop-us,deployment.environment=staging"},
            "shop-us",
        ),
    ],
)
def test_the_service_is_named_from_the_environment(monkeypatch, env, expected):
    from shop.core.telemetry import resource

    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    assert resource().attributes["service.name"] == expected


def test_the_sampler_comes_from_otel_traces_sampler(monkeypatch):
    from shop.core.telemetry import tracer_provider

    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")

    description = tracer_provider().sampler.get_description()

    assert description.startswith("ParentBased{root:TraceIdRatioBased{0.25}"), description


def test_every_trace_is_kept_by_default(monkeypatch):
    from shop.core.telemetry import tracer_provider

    monkeypatch.delenv("OTEL_TRACES_SAMPLER", raising=False)

    assert (
        tracer_provider().sampler.get_description().startswith("ParentBased{root:AlwaysOnSampler")
    )


HEALTH_SPANS = """
import django
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shop.core.telemetry import configure_opentelemetry

spans = InMemorySpanExporter()
configure_opentelemetry(span_processor=SimpleSpanProcessor(spans))
django.setup()
from django.test import Client

assert Client().get("/api/health/").status_code == 200
print(sorted(span.kind.name for span in spans.get_finished_spans()))
"""


@pytest.mark.parametrize(
    ("disabled", "kinds"),
    [("", ["CLIENT", "SERVER"]), ("sqlite3", ["SERVER"]), ("django, sqlite3", [])],
)
def test_otel_python_disabled_instrumentations_leaves_those_out(disabled, kinds):
    """``sqlite3`` here stands for the driver: the same switch drops psycopg's query spans."""
    from tests.core.test_settings import run_python

    result = run_python(
        HEALTH_SPANS,
        DATABASE_URL="sqlite://",
        DJANGO_DEBUG="true",
        DJANGO_ALLOWED_HOSTS="testserver",
        OTEL_SDK_DISABLED=None,
        OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=disabled,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(kinds)
