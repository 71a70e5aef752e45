"""Throttle limits hold across gunicorn workers only when the counters live in Redis (pattern 04).

DRF keeps each client's request history in Django's cache. LocMemCache is a dict
inside one process, so with four workers each one counts alone and a client gets
four times its rate; ``CACHE_URL=redis://…`` gives every worker the same counters.

The requests are spread over the workers by construction, not by luck
(``servers.gunicorn.spread_over_workers``). Every answer carries the pid of the
worker that made it (``worker_pid_wsgi``).
"""

import shutil
import socket
import subprocess
import time
from collections import Counter

import pytest

from servers import free_port
from servers.gunicorn import Answer, Gunicorn, spread_over_workers
from servers.shop import manage, shop_environment

WORKERS = 4
RATE = 10  # anonymous requests a minute
REQUESTS = 60  # 15 for each worker: more than the rate, so each worker's own limit shows
PATH = "/api/products/"


@pytest.fixture(scope="module")
def shop_env(tmp_path_factory) -> dict[str, str]:
    """The shop on a SQLite file of its own (the catalogue only has to answer 200)."""
    database = tmp_path_factory.mktemp("throttle") / "shop.sqlite3"
    env = shop_environment(
        DATABASE_URL=f"sqlite:///{database}",
        THROTTLE_RATE_ANON=f"{RATE}/min",
        THROTTLE_RATE_USER="100000/min",
        NUM_PROXIES="0",
    )
    manage(env, "migrate", "--verbosity", "0")
    return env


@pytest.fixture(scope="module")
def redis_url():
    """A throwaway redis-server: no persistence, loopback only, gone after the module."""
    port = free_port()
    process = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not redis_answers_ping(port):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)  # waiting for a server to come up, not for a race
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


def redis_answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def by_worker(answers: list[Answer]) -> dict[str, Counter]:
    """pid -> Counter of statuses that worker answered."""
    table: dict[str, Counter] = {}
    for answer in answers:
        table.setdefault(answer.headers["x-worker-pid"], Counter())[answer.status] += 1
    return table


def run(env: dict[str, str]) -> list[Answer]:
    with Gunicorn(env, workers=WORKERS, app="tests.faults.worker_pid_wsgi:application") as server:
        return spread_over_workers(server.port, PATH, REQUESTS, WORKERS)


@pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="no redis-server binary was found on PATH (apt-get install redis-server)",
)
def test_with_redis_the_limit_holds_across_workers(shop_env, redis_url):
    answers = run({**shop_env, "CACHE_URL": redis_url})

    workers = by_worker(answers)
    assert len(workers) == WORKERS, f"expected {WORKERS} workers to answer, got {workers}"
    statuses = [answer.status for answer in answers]
    assert statuses == [200] * RATE + [429] * (REQUESTS - RATE), (
        f"sent {REQUESTS} requests at {RATE}/min through {WORKERS} workers sharing Redis, "
        f"got {Counter(statuses)} in the order {statuses}, expected {RATE} 200s then only 429s"
    )
    for answer in answers[RATE:]:
        assert answer.json()["code"] == "throttled", f"a 429 answered {answer!r}"
        assert 1 <= int(answer.headers.get("retry-after", "0")) <= 60, (
            f"a 429 carried Retry-After {answer.headers.get('retry-after')!r}, expected 1-60 seconds"
        )


def test_with_locmem_each_worker_counts_alone(shop_env):
    answers = run(shop_env)  # no CACHE_URL: the default, LocMemCache

    workers = by_worker(answers)
    assert len(workers) == WORKERS, f"expected {WORKERS} workers to answer, got {workers}"
    successes = sum(answer.status == 200 for answer in answers)
    assert successes == WORKERS * RATE > RATE, (
        f"sent {REQUESTS} requests at {RATE}/min through {WORKERS} workers with LocMemCache, "
        f"{successes} succeeded, expected {WORKERS} x {RATE}: each worker counts alone"
    )
    assert all(statuses[200] == RATE for statuses in workers.values()), (
        f"each worker should let exactly {RATE} through, got {workers}"
    )
