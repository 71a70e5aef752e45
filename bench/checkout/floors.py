"""The checkout against its floors: the same transaction by hand (``handwritten.py``), then the shop.

Part of ``python -m bench.checkout`` (``floors`` alone: ``python -m bench.checkout floors``);
what each row is and what it showed: patterns/08_service_layer/README.md#measured.
"""

import os
import statistics
import sys
import threading
import time
from contextlib import ExitStack

from bench.buyers import Buyer, audit, buyer_request, buyers_with_carts
from bench.report import machine, print_table
from servers.gunicorn import Gunicorn

CLIENTS = 8
ROUNDS = 30  # checkouts per client and run
REPEATS = 5
FLOOR_WORKERS = 3  # gunicorn sync workers
FLOOR_STOCK = 1_000_000
TRACING = {"OTEL_BSP_SCHEDULE_DELAY": "1000"}  # plus the collector's OTLP endpoint
DATABASE_FLOOR, FRAMEWORK_FLOOR = (
    "database floor (psycopg threads)",
    "framework floor (bare Django view)",
)
TRACING_OFF, TRACING_ON = "shop, tracing off", "shop, tracing on"
SHOP_CONFIGURATIONS = {
    TRACING_OFF: {"OTEL_SDK_DISABLED": "true"},
    TRACING_ON: {},
    "shop, tracing on, no query spans": {"OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "psycopg"},
    "shop, tracing on, 1 trace in 10": {
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": "0.1",
    },
    "shop, tracing on, psycopg pool": {"DATABASE_POOL": "true"},
    "shop, tracing on, new connection per request": {"DATABASE_CONN_MAX_AGE": "0"},
}
# Issue 23's targets for the checkout, read off one run's table (print_targets).
TARGET_FLOOR_SHARE = 0.30  # tracing on, every trace kept: at least this much of the framework floor
TARGET_TRACING_COST = 0.10  # tracing on costs at most this much of tracing off's throughput


def run() -> None:
    print_floors(measure_floors())


def measure_floors() -> list[dict]:
    from servers.otlp import OtlpCollector

    runs: dict[str, list[dict]] = {}
    with ExitStack() as stack:
        collector = stack.enter_context(OtlpCollector(parse=False))
        floor_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.checkout.settings_floor"}
        servers = {FRAMEWORK_FLOOR: stack.enter_context(Gunicorn(floor_env, workers=FLOOR_WORKERS))}
        for name, overrides in SHOP_CONFIGURATIONS.items():
            env = {**os.environ, **TRACING, **collector.environment(), **overrides}
            if "OTEL_SDK_DISABLED" not in overrides:
                env.pop("OTEL_SDK_DISABLED")
            servers[name] = stack.enter_context(Gunicorn(env, workers=FLOOR_WORKERS))
        configurations = [DATABASE_FLOOR, *servers]
        for name in configurations:  # warm up: imports, first connections, caches
            run_floor(name, servers.get(name), rounds=3)
        for repeat in range(REPEATS):
            # Rotate the order, so a neighbour's load falls on a different row each time.
            shift = repeat % len(configurations)
            for name in configurations[shift:] + configurations[:shift]:
                print(f"   floors {repeat + 1}/{REPEATS}: {name}", file=sys.stderr, flush=True)
                runs.setdefault(name, []).append(run_floor(name, servers.get(name), rounds=ROUNDS))
    return [summarise(name, results) for name, results in runs.items()]


def cpu_seconds(root, *, children: bool = True) -> float:
    """User + system CPU time used so far by a process and its children, ended ones included."""
    import psutil

    times = root.cpu_times()
    total = times.user + times.system
    if not children:
        return total
    total += times.children_user + times.children_system
    for child in root.children():
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue  # just ended: counted in the parent's children_* once reaped
        total += times.user + times.system
    return total


def postmaster():
    """PostgreSQL's postmaster: its children are every backend and helper process."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return psutil.Process(cursor.fetchone()[0]).parent()


def run_floor(name: str, server, *, rounds: int) -> dict:
    """CLIENTS threads, ``rounds`` one-unit checkouts each, all of one fresh hot SKU.

    Besides the clock, the CPU time the run cost: the application's (gunicorn's
    workers, or this process's psycopg threads for the database floor) and the
    database's (every PostgreSQL process). CPU time barely moves when other work
    shares the machine; throughput does.
    """
    import psutil
    from django.db import connection

    from bench.checkout.handwritten import database_checkout, database_connection

    port = server.port if server else None
    plan = prepare_floor(rounds)
    application = psutil.Process(server.process.pid if server else None)
    database = postmaster()
    statuses: list[int] = []
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS + 1)

    def client(n: int, buyer: Buyer) -> None:
        conn = database_connection(connection.get_connection_params()) if port is None else None
        try:
            start.wait()
            for round_, cart_id in enumerate(buyer.carts):
                key = f"{plan['sku']}-{n}-{round_}"
                began = time.perf_counter()
                if conn is not None:
                    status = database_checkout(
                        conn, user_id=buyer.user.pk, cart_id=cart_id, key=key
                    )
                elif name == FRAMEWORK_FLOOR:
                    status = buyer_request(
                        port,
                        "POST",
                        "/floor/checkout/",
                        {"cart_id": cart_id},
                        key=key,
                        headers={"X-User-Id": str(buyer.user.pk)},
                    ).status
                else:
                    status = buyer_request(
                        port,
                        "POST",
                        "/api/checkouts/",
                        {"cart_id": cart_id},
                        token=buyer.token,
                        key=key,
                    ).status
                elapsed = time.perf_counter() - began
                with lock:
                    statuses.append(status)
                    latencies.append(elapsed)
        finally:
            if conn is not None:
                conn.close()

    threads = [
        threading.Thread(target=client, args=(n, buyer)) for n, buyer in enumerate(plan["buyers"])
    ]
    for t in threads:
        t.start()
    start.wait()
    tree = server is not None  # gunicorn's workers; or this process's threads alone
    cpu_before = cpu_seconds(application, children=tree), cpu_seconds(database)
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    cpu = (
        cpu_seconds(application, children=tree) - cpu_before[0],
        cpu_seconds(database) - cpu_before[1],
    )
    outcome = audit({plan["sku"]: FLOOR_STOCK})
    return {
        "elapsed": elapsed,
        "statuses": statuses,
        "latencies": latencies,
        "app_cpu": cpu[0],
        "db_cpu": cpu[1],
        "orders": outcome["orders"],
        "oversold": outcome["oversold"] + outcome["stock_mismatch"],
        "duplicates": outcome["duplicates"],
    }


def prepare_floor(rounds: int) -> dict:
    """A fresh hot SKU; CLIENTS buyers (made once), each with ``rounds`` one-unit carts of it."""
    from shop.products.models import SKU, Product

    product = Product.objects.create(name="Floor product")
    sku = SKU.objects.create(
        product=product, code=f"FLOOR-{product.pk}", price="9.99", stock=FLOOR_STOCK
    )
    buyers = buyers_with_carts([sku], buyers=CLIENTS, carts=rounds, email="floor")
    return {"sku": sku.pk, "buyers": buyers}


def summarise(name: str, results: list[dict]) -> dict:
    rates = sorted(r["orders"] / r["elapsed"] for r in results)
    latencies = [x for r in results for x in r["latencies"]]
    orders = sum(r["orders"] for r in results)
    return {
        "name": name,
        "app_cpu": sum(r["app_cpu"] for r in results) / orders * 1000,
        "db_cpu": sum(r["db_cpu"] for r in results) / orders * 1000,
        "orders_per_s": statistics.median(rates),
        "low": rates[0],
        "high": rates[-1],
        "p50": statistics.median(latencies) * 1000,
        "p95": statistics.quantiles(latencies, n=20)[-1] * 1000,
        "errors": sum(1 for r in results for s in r["statuses"] if s >= 500 or s == 0),
        "refused": sum(1 for r in results for s in r["statuses"] if 400 <= s < 500),
        "oversold": sum(r["oversold"] for r in results),
        "duplicates": sum(r["duplicates"] for r in results),
    }


def cpu_per_order(row: dict) -> float:
    """Milliseconds of CPU an order costs, the application's and the database's."""
    return row["app_cpu"] + row["db_cpu"]


def print_floors(rows: list[dict]) -> None:
    by_name = {row["name"]: row for row in rows}
    database = by_name[DATABASE_FLOOR]["orders_per_s"]
    framework = by_name[FRAMEWORK_FLOOR]["orders_per_s"]
    framework_cpu = cpu_per_order(by_name[FRAMEWORK_FLOOR])
    title = (
        f"Checkout against its floors: {CLIENTS} clients x {ROUNDS} one-unit checkouts of one "
        f"hot SKU, each with an Idempotency-Key; median of {REPEATS} interleaved runs; gunicorn "
        f"{FLOOR_WORKERS} sync workers, debug off; machine: {machine()}"
    )
    columns = [
        "what",
        "orders/s",
        f"range of {REPEATS}",
        "x framework floor",
        "x framework floor, by CPU",
        "x database floor",
        "p50 ms",
        "p95 ms",
        "app CPU ms/order",
        "database CPU ms/order",
        "5xx",
        "4xx",
        "oversold",
        "duplicates",
    ]
    cells = [
        [
            r["name"],
            f"{r['orders_per_s']:.0f}",
            f"{r['low']:.0f}-{r['high']:.0f}",
            f"{r['orders_per_s'] / framework:.2f}",
            f"{framework_cpu / cpu_per_order(r):.2f}",
            f"{r['orders_per_s'] / database:.2f}",
            f"{r['p50']:.1f}",
            f"{r['p95']:.1f}",
            f"{r['app_cpu']:.2f}",
            f"{r['db_cpu']:.2f}",
            r["errors"],
            r["refused"],
            r["oversold"],
            r["duplicates"],
        ]
        for r in rows
    ]
    print_table(title, columns, cells)
    print_targets(by_name)


def print_targets(by_name: dict[str, dict]) -> None:
    """Issue 23's two targets, each by throughput and by CPU time (which a neighbour on the
    machine barely moves: on a machine that the checkout keeps busy, throughput follows it)."""
    framework, off, on = by_name[FRAMEWORK_FLOOR], by_name[TRACING_OFF], by_name[TRACING_ON]
    share = on["orders_per_s"] / framework["orders_per_s"]
    share_cpu = cpu_per_order(framework) / cpu_per_order(on)
    cost = 1 - on["orders_per_s"] / off["orders_per_s"]
    cost_cpu = 1 - cpu_per_order(off) / cpu_per_order(on)

    def met(ok: bool) -> str:
        return "met" if ok else "not met"

    print(
        f"\nTarget: {TRACING_ON} (every trace kept) at {TARGET_FLOOR_SHARE:.2f}x the framework "
        f"floor or more: {share:.2f}x by throughput ({met(share >= TARGET_FLOOR_SHARE)}), "
        f"{share_cpu:.2f}x by CPU ({cpu_per_order(on):.2f} ms an order against "
        f"{cpu_per_order(framework):.2f}; {met(share_cpu >= TARGET_FLOOR_SHARE)})."
    )
    print(
        f"Target: tracing costing {TARGET_TRACING_COST:.0%} of the throughput or less: "
        f"{cost:.0%} by throughput ({on['orders_per_s']:.0f} orders/s against "
        f"{off['orders_per_s']:.0f}; {met(cost <= TARGET_TRACING_COST)}), {cost_cpu:.0%} by CPU "
        f"({cpu_per_order(on):.2f} ms an order against {cpu_per_order(off):.2f}; "
        f"{met(cost_cpu <= TARGET_TRACING_COST)})."
    )
    print("Where the CPU goes: python -m bench.checkout cpu (next, in a whole run).")
