"""Benchmark: what tracing costs a request, through the shop's WSGI application in process.

``nox -s bench -- telemetry`` (or ``python -m bench.telemetry``); what it showed and why:
patterns/05_opentelemetry/README.md#measured.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from wsgiref.util import setup_testing_defaults

from bench.environment import shop_database
from bench.report import machine, print_table
from servers import ROOT

REQUESTS = 400
MODES = ["off", "in-memory exporter", "console exporter"]


def main() -> int:
    """A small catalogue; then one process per mode, each serving REQUESTS requests.

    ``GET /api/products/`` (a count, the products, their SKUs) straight through the WSGI
    application: tracing off, spans kept by an in-memory exporter, spans printed by the
    console exporter (to /dev/null).
    """
    with shop_database(
        DJANGO_ALLOWED_HOSTS="localhost",  # the requests' Host
        THROTTLE_RATE_ANON="100000000/min",
        OTEL_SDK_DISABLED="true",  # this process; each child chooses for itself
    ):
        seed()
        rows = []
        for mode in MODES:
            env = dict(os.environ)
            if mode != "off":
                env.pop("OTEL_SDK_DISABLED")
            if mode == "console exporter":
                env["OTEL_TRACES_EXPORTER"] = "console"
            result = subprocess.run(
                [sys.executable, "-m", "bench.telemetry", "--child", mode],
                env=env,
                cwd=ROOT,
                check=True,
                text=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            rows.append(json.loads(result.stderr.strip().splitlines()[-1]))
    print_throughput(rows)
    return 0


def seed() -> None:
    from shop.products.models import SKU, Product

    for n in range(20):
        product = Product.objects.create(name=f"Product {n}")
        SKU.objects.create(product=product, code=f"SKU-{n}", price="9.99", stock=10)


def child(mode: str) -> None:
    if mode == "in-memory exporter":
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        from shop.core.telemetry import configure_opentelemetry

        exporter = InMemorySpanExporter()
        configure_opentelemetry(span_processor=SimpleSpanProcessor(exporter))
    from shop.wsgi import application

    def request() -> None:
        environ = {"PATH_INFO": "/api/products/", "REQUEST_METHOD": "GET"}
        setup_testing_defaults(environ)
        environ["HTTP_HOST"] = "localhost"
        b"".join(application(environ, lambda *args: None))

    for _ in range(20):
        request()  # warm up: connections, caches, imports
    timings = []
    began = time.perf_counter()
    for _ in range(REQUESTS):
        start = time.perf_counter()
        request()
        timings.append(time.perf_counter() - start)
        if mode == "in-memory exporter":
            exporter.clear()  # keep memory flat; a real exporter ships spans away
    elapsed = time.perf_counter() - began
    row = {
        "mode": mode,
        "rps": REQUESTS / elapsed,
        "p50": statistics.median(timings) * 1000,
        "p95": statistics.quantiles(timings, n=20)[-1] * 1000,
    }
    print(json.dumps(row), file=sys.stderr)


def print_throughput(rows: list[dict]) -> None:
    base = rows[0]["rps"]
    print_table(
        f"GET /api/products/ (20 products, 1 SKU each), {REQUESTS} requests per row, "
        f"WSGI in process; machine: {machine()}",
        ["tracing", "requests/s", "p50 ms", "p95 ms", "throughput vs off"],
        [
            [
                r["mode"],
                f"{r['rps']:.0f}",
                f"{r['p50']:.2f}",
                f"{r['p95']:.2f}",
                f"{r['rps'] / base:.0%}",
            ]
            for r in rows
        ],
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        child(sys.argv[sys.argv.index("--child") + 1])
    else:
        sys.exit(main())
