"""gunicorn.conf.py: every worker sends its spans, whether it loaded the app after the fork or before.

A tracer provider exports from a background thread, and threads do not survive
``fork``. Without ``--preload`` each worker sets tracing up after the fork
(gunicorn.conf.py's ``post_fork``); with it, the master set it up and the SDK's
at-fork hook must restart the thread in each worker. Either way a span made in
any worker must reach the collector: here a stand-in on loopback, and a
``traceparent`` per request names the trace to look for.
"""

import time

import pytest

from servers.gunicorn import Gunicorn, spread_over_workers
from servers.otlp import OtlpCollector
from servers.shop import shop_environment

WORKERS = 2
REQUESTS = 8
EXPORT_DEADLINE = 30.0  # seconds; the batch processor exports every 100 ms here


def traceparent(n: int) -> dict[str, str]:
    return {"traceparent": f"00-{n + 1:032x}-{n + 1:016x}-01"}


@pytest.mark.parametrize("preload", [False, True], ids=["load-after-fork", "preload"])
def test_every_worker_exports_its_request_spans(preload):
    with OtlpCollector() as collector:
        env = shop_environment(**collector.environment(), OTEL_BSP_SCHEDULE_DELAY="100")
        env.pop("OTEL_SDK_DISABLED", None)
        with Gunicorn(
            env,
            workers=WORKERS,
            app="tests.faults.worker_pid_wsgi:application",
            extra_args=("--preload",) if preload else (),
        ) as server:
            answers = spread_over_workers(
                server.port, "/api/health/", REQUESTS, WORKERS, headers_for=traceparent
            )
            sent = {traceparent(n)["traceparent"].split("-")[1] for n in range(REQUESTS)}
            deadline = time.monotonic() + EXPORT_DEADLINE
            while not sent <= collector.trace_ids() and time.monotonic() < deadline:
                time.sleep(0.1)  # waiting for the exporters' next batch, not for a race
            log = server.log_tail()

    workers = {answer.headers["x-worker-pid"] for answer in answers}
    if len(workers) != WORKERS or {a.status for a in answers} != {200}:
        pytest.fail(f"the requests were not answered by {WORKERS} workers: {answers}\n{log}")
    missing = sorted(sent - collector.trace_ids())
    assert not missing, (
        f"{WORKERS} workers answered {REQUESTS} traced requests (preload={preload}), "
        f"got no spans for {len(missing)} of their traces, expected every one exported\n{log}"
    )
