"""Pattern 05: request spans and query spans, from the first request on."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from kata.variants import Fails, Holds, Kata, said
from testing.preconditions import require
from testing.warm_python import WarmPython

PROBE = Path(__file__).with_name("probe.py")
kata = Kata(naive="naive", article="article", shop="shop")
LATE = "instrumented after the WSGI handler loaded its middleware: no request span"
PSYCOPG2 = "the psycopg2 instrumentor traces nothing when Django runs psycopg 3"
STANDARD_ENV = {
    "OTEL_TRACES_EXPORTER": "none",
    # The article's exporter always ships to a collector; none listens here, and a
    # tenth of a second (the Python exporters read seconds) keeps its retries from
    # holding the probe's exit.
    "OTEL_EXPORTER_OTLP_TIMEOUT": "0.1",
}


@pytest.fixture(scope="module")
def warm_probe():
    """The probe's server: Django set up once, a fresh fork per probe (probe.py says why)."""
    warm = WarmPython(PROBE, fresh_for=("OTEL_",), env={**os.environ, **STANDARD_ENV})
    yield warm
    warm.close()


@pytest.fixture
def run_probe(warm_probe):
    """One request through the variant's freshly built WSGI application, in its own process."""

    def run(variant: str, **env: str) -> subprocess.CompletedProcess:
        return warm_probe.run(variant, **env)

    return run


@pytest.fixture
def probe(run_probe):
    """The probe's answer: the response status and the spans it made."""

    def answer(variant: str, **env: str) -> dict:
        result = run_probe(variant, **env)
        for line in result.stdout.splitlines():
            if line.startswith("PROBE "):
                return json.loads(line.removeprefix("PROBE "))
        pytest.fail(
            f"the probe printed no result:\n{result.stdout}\n{result.stderr}", pytrace=False
        )

    return answer


def server_spans(run: dict) -> list[dict]:
    return [span for span in run["spans"] if span["kind"] == "SERVER"]


@kata(naive=Fails(LATE), article=Holds("called before the handler is built, from the start"))
def test_a_request_makes_a_server_span_with_its_route_and_status(variant, probe):
    run = probe(variant)

    spans = server_spans(run)
    assert len(spans) == 1, said("GET /api/health/", f"{len(spans)} server spans", 1)
    attributes = spans[0]["attributes"]
    assert (attributes["http.route"], attributes["http.status_code"]) == ("api/health/", 200)


@kata(naive=Fails(PSYCOPG2), article=Fails(PSYCOPG2))
def test_its_queries_are_child_spans_with_the_statement(variant, probe):
    run = probe(variant)

    statements = [span for span in run["spans"] if span["kind"] == "CLIENT"]
    select_1 = [span for span in statements if span["attributes"].get("db.statement") == "SELECT 1"]
    assert select_1, said(
        "GET /api/health/ (it runs SELECT 1)", f"{len(statements)} query spans", "its SELECT 1"
    )
    request = server_spans(run)[0]
    assert (select_1[0]["trace_id"], select_1[0]["parent_id"]) == (
        request["trace_id"],
        request["span_id"],
    )


@kata(
    naive=Holds("its TracerProvider is the SDK's, which reads OTEL_SDK_DISABLED"),
    article=Holds("its TracerProvider is the SDK's, which reads OTEL_SDK_DISABLED"),
)
def test_with_the_sdk_disabled_there_are_no_spans_and_the_shop_still_answers(variant, probe):
    run = probe(variant, OTEL_SDK_DISABLED="true")

    got = (run["status"], len(run["spans"]))
    assert got == ("200 OK", 0), said(
        "GET /api/health/ with OTEL_SDK_DISABLED=true", got, ("200 OK", 0)
    )


@kata(
    naive=Fails(f"{LATE}, collector or not"),
    article=Holds("a BatchSpanProcessor exports from its own thread: the request never waits"),
)
def test_an_unreachable_otlp_collector_never_fails_a_request(variant, probe):
    run = probe(
        variant,
        OTEL_TRACES_EXPORTER="otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9",  # discard port: nothing listens
    )

    require(run["status"] == "200 OK", "the request was answered")
    spans = server_spans(run)
    assert spans, said("GET /api/health/ with an unreachable collector", "no request span", "one")


@kata(
    naive=Fails("its provider has no exporter at all, whatever OTEL_TRACES_EXPORTER says"),
    article=Fails("it hard-codes the OTLP exporter: OTEL_TRACES_EXPORTER=console prints nothing"),
)
def test_the_console_exporter_prints_the_request_and_its_queries(variant, run_probe):
    result = run_probe(variant, OTEL_TRACES_EXPORTER="console")

    # What the console exporter printed: everything but the probe's own answer.
    console = "\n".join(
        line for line in result.stdout.splitlines() if not line.startswith("PROBE ")
    )
    printed = [
        what
        for what, line in [
            ("the request", '"name": "GET api/health/"'),
            ("its query", '"db.statement": "SELECT 1"'),
        ]
        if line in console
    ]
    assert len(printed) == 2, said(
        "GET /api/health/ with OTEL_TRACES_EXPORTER=console",
        f"printed spans for {printed or 'nothing'}",
        "the request and its query",
    )
