"""The checkout under contention: 1, 4 and 16 buyers, the shop's service beside pattern 08's naive view.

Part of ``python -m bench.checkout`` (``contention`` alone: ``python -m bench.checkout contention``);
what it showed: patterns/08_service_layer/README.md#measured.
"""

import os
import statistics
import sys
import threading
import time
from contextlib import nullcontext
from functools import partial

from bench.buyers import audit, buyer_request, buyers_with_carts
from bench.report import machine, print_table
from servers.gunicorn import Gunicorn

BUYERS = [1, 4, 16]
CONTENTION_ROUNDS = 8  # checkouts per buyer
HOT_STOCK = 40  # the hot SKU sells out part-way with 16 buyers
SPREAD_SKUS = 200
GUNICORN_WORKERS = 4


def run() -> None:
    print_contention(measure_contention())


def measure_contention() -> list[dict]:
    naive_view()  # load the naive module once, before any thread needs it
    rows = []
    for variant in ["shop", "naive"]:
        for way in ["in process", "HTTP"]:
            with serving(variant) if way == "HTTP" else nullcontext() as server:
                port = server.port if server else None
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


def serving(variant: str) -> Gunicorn:
    """The shop, or the shop with the naive checkout view (``naive_urls.py``), tracing off."""
    env = dict(os.environ)
    if variant == "naive":
        env["DJANGO_SETTINGS_MODULE"] = "bench.checkout.settings_naive"
    return Gunicorn(env, workers=GUNICORN_WORKERS)


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

    outcome = audit(plan["initial"])
    return {
        "variant": variant,
        "way": way,
        "workload": workload,
        "buyers": buyers,
        "orders_per_s": outcome["orders"] / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": statistics.quantiles(latencies, n=20)[-1] * 1000,
        "errors": sum(1 for s in statuses if s >= 500),
        "oversold": outcome["oversold"] + outcome["stock_mismatch"],
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
            status = buyer_request(
                port, "POST", "/api/checkouts/", {"cart_id": cart_id}, token=token, key=key
            ).status
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


def prepare(workload: str, buyers: int) -> dict:
    """Fresh stock, fresh buyers, one cart of one unit per round."""
    from shop.carts.models import Cart
    from shop.orders.models import Order
    from shop.products.models import SKU, Product
    from shop.users.models import User

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
    return {
        "buyers": buyers_with_carts(skus, buyers=buyers, carts=CONTENTION_ROUNDS, email="buyer"),
        "initial": {sku.pk: sku.stock for sku in skus},
    }


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
