"""Benchmark: the checkout against its floors, then under contention beside the naive view.

    nox -s bench -- checkout          (or: python -m bench.checkout [floors|contention])

Both parts run on one throwaway PostgreSQL, with gunicorn as production runs it
(debug off, persistent connections, gunicorn.conf.py), and the checkout's email
handed to a Redis broker (no worker drains it: that work is not the request's).

**Floors.** The same CLIENTS client threads, each making ROUNDS one-unit
checkouts of one hot SKU (stock enough for all) with an Idempotency-Key each,
against: the database floor (the shop's checkout transaction as hand-written SQL
from psycopg threads, no web stack), the framework floor (that SQL in a bare
Django view on the same gunicorn), and the shop over HTTP: tracing off, tracing
on (spans to an OTLP collector stand-in through a BatchSpanProcessor), then
tracing on with one change each: no per-query spans, one trace in ten sampled,
psycopg's pool instead of persistent connections, a new connection per request.
Every configuration runs REPEATS times, interleaved; the table shows the median
orders per second with the range, each as a ratio to the two floors, and the
audit (5xx, units oversold, duplicate orders).

**Contention.** 1, 4 and 16 concurrent buyers, each checking out CONTENTION_ROUNDS
carts of one unit, either all of one hot SKU (stock runs out part-way) or spread
over many SKUs; in process (threads calling the shop's service, or the naive
view) and over HTTP; every checkout sent twice at once with one
Idempotency-Key, as a double-click would. Prints orders per second, latency,
units oversold (must be 0), duplicate orders (must be 0), deadlocks
(PostgreSQL's own counter) and queries per checkout.
"""

import http.client
import json
import logging
import os
import statistics
import sys
import threading
import time
from contextlib import ExitStack, contextmanager, nullcontext
from functools import partial

from bench.environment import shop_database
from bench.report import machine, print_table

# --- Floors
CLIENTS = 8
ROUNDS = 30  # checkouts per client and run
REPEATS = 5
FLOOR_WORKERS = 3  # gunicorn sync workers
FLOOR_STOCK = 1_000_000
TRACING = {"OTEL_BSP_SCHEDULE_DELAY": "1000"}  # plus the collector's OTLP endpoint
SHOP_CONFIGURATIONS = {
    "shop, tracing off": {"OTEL_SDK_DISABLED": "true"},
    "shop, tracing on": {},
    "shop, tracing on, no query spans": {"OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "psycopg"},
    "shop, tracing on, 1 trace in 10": {
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": "0.1",
    },
    "shop, tracing on, psycopg pool": {"DATABASE_POOL": "true"},
    "shop, tracing on, new connection per request": {"DATABASE_CONN_MAX_AGE": "0"},
}
DATABASE_FLOOR, FRAMEWORK_FLOOR = (
    "database floor (psycopg threads)",
    "framework floor (bare Django view)",
)

# --- Contention
BUYERS = [1, 4, 16]
CONTENTION_ROUNDS = 8  # checkouts per buyer
HOT_STOCK = 40  # the hot SKU sells out part-way with 16 buyers
SPREAD_SKUS = 200
GUNICORN_WORKERS = 4


def main(parts: list[str]) -> int:
    from servers.redis import RedisServer

    broker = RedisServer()
    try:
        with shop_database(
            DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
            THROTTLE_RATE_USER="100000000/min",  # measuring checkout, not the throttle
            THROTTLE_RATE_ANON="100000000/min",
            OTEL_SDK_DISABLED="true",  # this process; the servers choose for themselves
            # As production runs: the confirmation email is a task on a broker, not work
            # done in the request after its COMMIT (the embedded default without one). No
            # worker runs: in production it is another machine's work, not the checkout's.
            CELERY_BROKER_URL=broker.url,
        ):
            # The naive variant's refused duplicates log a line each; the table says it all.
            logging.getLogger("shop").setLevel(logging.WARNING)
            logging.getLogger("django.request").setLevel(logging.CRITICAL)
            if "floors" in parts:
                print_floors(measure_floors())
            if "contention" in parts:
                print_contention(measure_contention())
    finally:
        broker.stop()
    return 0


# --- Floors ----------------------------------------------------------------------------------


def measure_floors() -> list[dict]:
    from servers.otlp import OtlpCollector

    runs: dict[str, list[dict]] = {}
    with ExitStack() as stack:
        collector = stack.enter_context(OtlpCollector(parse=False))
        floor_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings_floor"}
        servers = {
            FRAMEWORK_FLOOR: stack.enter_context(serving_env(floor_env, workers=FLOOR_WORKERS))
        }
        for name, overrides in SHOP_CONFIGURATIONS.items():
            env = {**os.environ, **TRACING, **collector.environment(), **overrides}
            if "OTEL_SDK_DISABLED" not in overrides:
                env.pop("OTEL_SDK_DISABLED")
            servers[name] = stack.enter_context(serving_env(env, workers=FLOOR_WORKERS))
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


@contextmanager
def serving_env(env: dict, *, workers: int, threads: int = 1):
    """The shop (or whatever ``env`` names) on gunicorn; yields the running server."""
    from servers.gunicorn import Gunicorn

    with Gunicorn(env, workers=workers, extra_args=("--threads", str(threads))) as server:
        yield server


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

    from bench.floor import database_checkout, database_connection

    port = server.port if server else None
    plan = prepare_floor(rounds)
    application = psutil.Process(server.process.pid if server else None)
    database = postmaster()
    statuses: list[int] = []
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS + 1)

    def client(n: int, user_id: int, token: str, carts: list[int]) -> None:
        conn = database_connection(connection.get_connection_params()) if port is None else None
        try:
            start.wait()
            for round_, cart_id in enumerate(carts):
                key = f"{plan['sku']}-{n}-{round_}"
                began = time.perf_counter()
                if conn is not None:
                    status = database_checkout(conn, user_id=user_id, cart_id=cart_id, key=key)
                elif name == FRAMEWORK_FLOOR:
                    status, _ = http_request(
                        port,
                        "POST",
                        "/floor/checkout/",
                        {"cart_id": cart_id},
                        None,
                        key,
                        {"X-User-Id": str(user_id)},
                    )
                else:
                    status, _ = http_request(
                        port, "POST", "/api/checkouts/", {"cart_id": cart_id}, token, key
                    )
                elapsed = time.perf_counter() - began
                with lock:
                    statuses.append(status)
                    latencies.append(elapsed)
        finally:
            if conn is not None:
                conn.close()

    threads = [
        threading.Thread(target=client, args=(n, *buyer)) for n, buyer in enumerate(plan["buyers"])
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
    return {
        "elapsed": elapsed,
        "statuses": statuses,
        "latencies": latencies,
        "app_cpu": cpu[0],
        "db_cpu": cpu[1],
        **audit_floor(plan),
    }


def prepare_floor(rounds: int) -> dict:
    """A fresh hot SKU; CLIENTS buyers (made once), each with ``rounds`` one-line carts."""
    from shop.carts.models import Cart, CartItem
    from shop.products.models import SKU, Product
    from shop.users.models import User
    from shop.users.serializers import ActiveUserTokenObtainPairSerializer

    product = Product.objects.create(name="Floor product")
    sku = SKU.objects.create(
        product=product, code=f"FLOOR-{product.pk}", price="9.99", stock=FLOOR_STOCK
    )
    buyers = []
    for n in range(CLIENTS):
        user, _ = User.objects.get_or_create(
            email=f"floor{n}@example.com", defaults={"is_active": True}
        )
        token = str(ActiveUserTokenObtainPairSerializer.get_token(user).access_token)
        carts = Cart.objects.bulk_create(Cart(user=user) for _ in range(rounds))
        CartItem.objects.bulk_create(CartItem(cart=c, sku=sku, quantity=1) for c in carts)
        buyers.append((user.pk, token, [c.pk for c in carts]))
    return {"sku": sku.pk, "buyers": buyers}


def audit_floor(plan: dict) -> dict:
    from django.db.models import Count, Sum

    from shop.orders.models import Order, OrderItem
    from shop.products.models import SKU

    sold = OrderItem.objects.filter(sku_id=plan["sku"]).aggregate(n=Sum("quantity"))["n"] or 0
    orders = Order.objects.filter(items__sku_id=plan["sku"])
    stock = SKU.objects.get(pk=plan["sku"]).stock
    return {
        "orders": orders.count(),
        "oversold": max(0, sold - FLOOR_STOCK) + abs(FLOOR_STOCK - sold - stock),
        "duplicates": sum(
            row["n"] - 1
            for row in orders.values("user", "idempotency_key")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        ),
    }


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


def print_floors(rows: list[dict]) -> None:
    by_name = {row["name"]: row for row in rows}
    database = by_name[DATABASE_FLOOR]["orders_per_s"]
    framework = by_name[FRAMEWORK_FLOOR]["orders_per_s"]
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


# --- Contention --------------------------------------------------------------------------------


def measure_contention() -> list[dict]:
    naive_view()  # load the naive module once, before any thread needs it
    rows = []
    for variant in ["shop", "naive"]:
        for way in ["in process", "HTTP"]:
            with serving(variant) if way == "HTTP" else nullcontext() as port:
                # Warm up (imports, first connections, caches), not measured.
                run_scenario(variant, way, "spread SKUs", GUNICORN_WORKERS, port)
                for workload in ["hot SKU", "spread SKUs"]:
                    for buyers in BUYERS:
                        print(
                            f"   {variant:<5} {way:<10} {workload:<11} {buyers:>2} buyers",
                            file=sys.stderr,
                            flush=True,
                        )
                        rows.append(run_scenario(variant, way, workload, buyers, port))
    return rows


@contextmanager
def serving(variant: str, *, workers: int = GUNICORN_WORKERS, threads: int = 1):
    """The shop (or the naive checkout) on gunicorn, tracing off; yields the port."""
    env = dict(os.environ)
    if variant == "naive":
        env["DJANGO_SETTINGS_MODULE"] = "bench.settings_naive"
    with serving_env(env, workers=workers, threads=threads) as server:
        yield server.port


def run_scenario(variant: str, way: str, workload: str, buyers: int, port: int | None) -> dict:
    from django.db import connection

    plan = prepare(workload, buyers)
    deadlocks_before = deadlock_count()
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(buyers)

    def buyer(user, token, carts) -> None:
        try:
            start.wait()
            for n, cart_id in enumerate(carts):
                key = f"{user.pk}-{n}"
                # A double-click: the same request twice at once, one key.
                results = []
                one = partial(attempt, variant, way, port, user, token, cart_id, key)
                pair = [threading.Thread(target=record, args=(one, results)) for _ in range(2)]
                for t in pair:
                    t.start()
                for t in pair:
                    t.join()
                with lock:
                    for status, seconds in results:
                        statuses.append(status)
                        latencies.append(seconds)
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer, args=entry) for entry in plan["buyers"]]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began

    outcome = audit(plan)
    return {
        "variant": variant,
        "way": way,
        "workload": workload,
        "buyers": buyers,
        "orders_per_s": outcome["orders"] / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": statistics.quantiles(latencies, n=20)[-1] * 1000,
        "errors": sum(1 for s in statuses if s >= 500),
        "oversold": outcome["oversold"],
        "duplicates": outcome["duplicates"],
        "deadlocks": deadlock_count() - deadlocks_before,
        "queries": queries_per_checkout(variant),
    }


def record(call, results: list) -> None:
    results.append(call())


def attempt(variant, way, port, user, token, cart_id, key) -> tuple[int, float]:
    from django.db import connection

    began = time.perf_counter()
    try:
        if way == "HTTP":
            status, _ = http_request(
                port, "POST", "/api/checkouts/", {"cart_id": cart_id}, token, key
            )
        else:
            status = in_process(variant, user, cart_id, key)
    finally:
        connection.close()
    return status, time.perf_counter() - began


def in_process(variant: str, user, cart_id: int, key: str) -> int:
    """The shop: its service, called directly. The naive: its view (its logic lives there)."""
    from shop.core.errors import DomainError

    if variant == "shop":
        from shop.checkouts.services import order_place

        try:
            order_place(user=user, cart_id=cart_id, idempotency_key=key)
            return 201
        except DomainError as exc:
            return exc.status_code
        except Exception:
            return 500
    from rest_framework.test import APIRequestFactory, force_authenticate

    request = APIRequestFactory().post(
        "/api/checkouts/", {"cart_id": cart_id}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    force_authenticate(request, user=user)
    try:
        return naive_view()(request).status_code
    except Exception:
        return 500


_naive_view = None


def naive_view():
    global _naive_view
    if _naive_view is None:
        from kata import manifest, variants

        _naive_view = variants.load(manifest.pattern("08"), "naive").CheckoutView.as_view()
    return _naive_view


def http_request(port, method, path, body, token, key=None, extra=None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json", **(extra or {})}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def prepare(workload: str, buyers: int) -> dict:
    """Fresh stock, fresh buyers, one cart of one unit per round."""
    from shop.carts.models import Cart, CartItem
    from shop.orders.models import Order
    from shop.products.models import SKU, Product
    from shop.users.models import User
    from shop.users.serializers import ActiveUserTokenObtainPairSerializer

    Order.objects.all().delete()
    Cart.objects.all().delete()
    SKU.objects.all().delete()
    Product.objects.all().delete()
    User.objects.all().delete()
    product = Product.objects.create(name="Bench product")
    if workload == "hot SKU":
        skus = [SKU.objects.create(product=product, code="HOT", price="9.99", stock=HOT_STOCK)]
    else:
        skus = SKU.objects.bulk_create(
            SKU(product=product, code=f"S{n}", price="9.99", stock=1000) for n in range(SPREAD_SKUS)
        )
    initial = {sku.pk: sku.stock for sku in skus}
    plan = []
    for b in range(buyers):
        user = User.objects.create_user(f"buyer{b}@example.com", "x", is_active=True)
        token = str(ActiveUserTokenObtainPairSerializer.get_token(user).access_token)
        carts = []
        for n in range(CONTENTION_ROUNDS):
            cart = Cart.objects.create(user=user)
            CartItem.objects.create(
                cart=cart, sku=skus[(b * CONTENTION_ROUNDS + n) % len(skus)], quantity=1
            )
            carts.append(cart.pk)
        plan.append((user, token, carts))
    return {"buyers": plan, "initial": initial}


def audit(plan: dict) -> dict:
    from django.db.models import Count, Sum

    from shop.orders.models import Order, OrderItem
    from shop.products.models import SKU

    sold = dict(OrderItem.objects.values_list("sku_id").annotate(Sum("quantity")))
    stock = dict(SKU.objects.values_list("pk", "stock"))
    oversold = sum(max(0, sold.get(pk, 0) - initial) for pk, initial in plan["initial"].items())
    # Stock that went missing without an order, or orders the stock never paid for:
    oversold += sum(
        abs(initial - sold.get(pk, 0) - stock[pk]) for pk, initial in plan["initial"].items()
    )
    duplicates = sum(
        row["n"] - 1
        for row in Order.objects.values("user", "idempotency_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return {"orders": Order.objects.count(), "oversold": oversold, "duplicates": duplicates}


def deadlock_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


_queries: dict[str, int] = {}


def queries_per_checkout(variant: str) -> int:
    """Measured once per variant, in process, on a fresh one-line cart."""
    if variant not in _queries:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        plan = prepare("spread SKUs", 1)
        user, _, carts = plan["buyers"][0]
        with CaptureQueriesContext(connection) as captured:
            in_process(variant, user, carts[0], "count-queries")
        _queries[variant] = len(captured)
    return _queries[variant]


def print_contention(rows: list[dict]) -> None:
    title = (
        f"Checkout under contention, {CONTENTION_ROUNDS} checkouts per buyer, each sent twice at once with one key; "
        f"hot SKU stock {HOT_STOCK}; gunicorn {GUNICORN_WORKERS} sync workers; machine: {machine()}"
    )
    columns = [
        "variant",
        "way in",
        "workload",
        "buyers",
        "orders/s",
        "p50 ms",
        "p95 ms",
        "5xx",
        "oversold",
        "duplicates",
        "deadlocks",
        "queries",
    ]
    cells = [
        [
            r["variant"],
            r["way"],
            r["workload"],
            r["buyers"],
            f"{r['orders_per_s']:.0f}",
            f"{r['p50']:.1f}",
            f"{r['p95']:.1f}",
            r["errors"],
            r["oversold"],
            r["duplicates"],
            r["deadlocks"],
            r["queries"],
        ]
        for r in rows
    ]
    print_table(title, columns, cells)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["floors", "contention"]))
