"""Pattern 05: request spans and query spans, from the first request on."""

import json
import os
import subprocess
import sys
from pathlib import Path

from patterns.kata import RedGreen, said

PROBE = Path(__file__).with_name("probe.py")
red_green = RedGreen(naive="naive", shop="shop")


def probe(variant: str, **env: str) -> dict:
    """One request through the variant's freshly built WSGI application, in its own process."""
    result = subprocess.run(
        [sys.executable, str(PROBE), variant],
        env={**os.environ, "OTEL_TRACES_EXPORTER": "none", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    for line in result.stdout.splitlines():
        if line.startswith("PROBE "):
            return json.loads(line.removeprefix("PROBE "))
    raise RuntimeError(f"the probe printed no result:\n{result.stdout}\n{result.stderr}")


def server_spans(run: dict) -> list[dict]:
    return [span for span in run["spans"] if span["kind"] == "SERVER"]


@red_green(why="instrumented after the WSGI handler loaded its middleware: no request span")
def test_a_request_makes_a_server_span_with_its_route_and_status(variant):
    run = probe(variant)

    spans = server_spans(run)
    assert len(spans) == 1, said("GET /api/health/", f"{len(spans)} server spans", 1)
    assert spans[0]["attributes"]["http.route"] == "api/health/"
    assert spans[0]["attributes"]["http.status_code"] == 200


@red_green(why="the psycopg2 instrumentor traces nothing when Django runs psycopg 3")
def test_its_queries_are_child_spans_with_the_statement(variant):
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


def test_with_the_sdk_disabled_there_are_no_spans_and_the_shop_still_answers():
    run = probe("shop", OTEL_SDK_DISABLED="true")

    assert (run["status"], run["spans"]) == ("200 OK", [])


def test_an_unreachable_otlp_collector_never_fails_a_request():
    run = probe(
        "shop",
        OTEL_TRACES_EXPORTER="otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9",  # discard port: nothing listens
        OTEL_EXPORTER_OTLP_TIMEOUT="1",
    )

    assert run["status"] == "200 OK"
    assert server_spans(run), "tracing stopped working with an unreachable collector"


def test_the_console_exporter_prints_the_request_and_its_queries():
    result = subprocess.run(
        [sys.executable, str(PROBE), "shop"],
        env={**os.environ, "OTEL_TRACES_EXPORTER": "console"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert '"name": "GET api/health/"' in result.stdout, result.stdout[-2000:]
    assert '"db.statement": "SELECT 1"' in result.stdout
