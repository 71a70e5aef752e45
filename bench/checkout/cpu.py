"""Where a traced checkout's CPU goes: cProfile's top entries, the shop's WSGI application in process.

Part of ``python -m bench.checkout`` (``cpu`` alone: ``python -m bench.checkout cpu``);
it says why the shop's rows in ``floors.py`` sit where they do (patterns/08_service_layer/README.md#measured).
A child process of its own, with tracing on as in the floors' "shop, tracing on" row (every
trace kept, spans sent over OTLP to a collector stand-in): tracing is set up once per process.
"""

import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

from bench.checkout.floors import TRACING
from bench.report import machine, print_table
from servers import ROOT

CHECKOUTS = 200
WARM_UP = 20
# The checkout's steps, each a function cProfile saw: (what, where it is, function).
STEPS = [
    (
        "the access token and its account (simplejwt)",
        "rest_framework_simplejwt/authentication.py",
        "authenticate",
    ),
    ("the service, order_place", "shop/checkouts/services.py", "order_place"),
    ("  the cart, locked", "shop/carts/selectors.py", "cart_locked"),
    ("  the Idempotency-Key's earlier order", "shop/orders/selectors.py", "order_for_key"),
    ("  the cart's lines", "shop/carts/selectors.py", "cart_quantities"),
    ("  the SKUs, locked", "shop/products/selectors.py", "skus_locked_for_sale"),
    ("  lock_timeout for the key's INSERT", "shop/checkouts/services.py", "lock_waits_at_most"),
    ("  the order and its items", "shop/orders/services.py", "order_create"),
    ("  the outbox rows", "shop/orders/announcements.py", "order_announce"),
    ("  the stock taken", "shop/products/services.py", "skus_take_stock"),
    ("  the cart emptied", "shop/carts/services.py", "cart_empty"),
    ("  the COMMIT's hook: one Celery publish", "shop/outbox/services.py", "queue_delivery"),
    ("the answer serialised (DRF)", "rest_framework/serializers.py", "data"),
    (
        "every query's span (psycopg instrumentation, query included)",
        "opentelemetry/instrumentation/dbapi/__init__.py",
        "traced_execution",
    ),
]
PACKAGES = 10  # the packages that spent the most CPU themselves


def run() -> None:
    from servers.otlp import OtlpCollector

    with OtlpCollector(parse=False) as collector:
        env = {**os.environ, **TRACING, **collector.environment()}
        env.pop("OTEL_SDK_DISABLED", None)
        done = subprocess.run(
            [sys.executable, "-m", "bench.checkout.cpu", "--child"],
            env=env,
            cwd=ROOT,
            check=True,
            text=True,
            stdout=subprocess.PIPE,
        )
    print(done.stdout, end="")


def child() -> None:
    """CHECKOUTS keyed checkouts of one-unit carts, as the floors' clients send them, profiled."""
    from shop.wsgi import application  # tracing first, then the handler, as in production

    buyer = profiled_buyer()

    def checkout(n: int) -> None:
        body = json.dumps({"cart_id": buyer.carts[n]}).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/checkouts/",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {buyer.token}",
            "HTTP_IDEMPOTENCY_KEY": f"profile-{n}",
        }
        statuses = []
        b"".join(application(environ, lambda status, *_: statuses.append(status)))
        if not statuses[0].startswith("201"):
            sys.exit(f"harness: checkout {n} answered {statuses[0]}")

    for n in range(WARM_UP):
        checkout(n)
    # CPU time, not the clock: a checkout waits for PostgreSQL, on the other core or behind
    # a neighbour, and that wait is not the application's cost.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for n in range(WARM_UP, WARM_UP + CHECKOUTS):
        checkout(n)
    profiler.disable()
    print_profile(pstats.Stats(profiler))


def profiled_buyer():
    """A buyer with WARM_UP + CHECKOUTS one-unit carts of a fresh SKU (Django set up first)."""
    from bench.buyers import buyers_with_carts
    from shop.products.models import SKU, Product

    product = Product.objects.create(name="Profiled product")
    sku = SKU.objects.create(product=product, code=f"CPU-{product.pk}", price="9.99", stock=10**6)
    [buyer] = buyers_with_carts([sku], buyers=1, carts=WARM_UP + CHECKOUTS, email="profile")
    return buyer


def print_profile(stats: pstats.Stats) -> None:
    # (file, line, function) -> (primitive calls, calls, own time, cumulative time, callers)
    entries = {where(*function): entry for function, entry in stats.stats.items()}
    total = entries["bench/checkout/cpu.py:checkout"][3]
    title = (
        f"Where a traced checkout's CPU goes: cProfile (CPU time) over {CHECKOUTS} keyed one-unit "
        f"checkouts through the shop's WSGI application in process, every trace kept, spans sent "
        f"over OTLP; the profiler's own cost inflates the many small calls; machine: {machine()}"
    )
    steps = []
    for what, file, function in STEPS:
        calls, _, _, cumulative, _ = entries.get(f"{file}:{function}", (0, 0, 0.0, 0.0, None))
        steps.append([what, f"{calls / CHECKOUTS:g}", f"{cumulative / total:.0%}"])
    print_table(f"{title}. Its steps:", ["step", "calls/checkout", "share of its CPU"], steps)
    own: dict[str, float] = {}
    for name, (_, _, own_time, _, _) in entries.items():
        own[package(name)] = own.get(package(name), 0.0) + own_time
    print_table(
        "...and the packages that spent it, each its functions' own time (not their callees'):",
        ["package", "share of its CPU"],
        [
            [name, f"{seconds / total:.0%}"]
            for name, seconds in sorted(own.items(), key=lambda item: -item[1])[:PACKAGES]
        ],
    )


def where(file: str, line: int, function: str) -> str:
    """``package/module.py:function``: the path inside site-packages or the repository;
    ``~:name`` for a built-in; ``stdlib/...`` for Python's own library."""
    path = Path(file)
    for root in [*(Path(p) for p in sys.path if p.endswith("site-packages")), ROOT]:
        if path.is_relative_to(root):
            return f"{path.relative_to(root)}:{function}"
    if path.is_relative_to(sys.base_prefix):
        return f"stdlib/{path.name}:{function}"
    return f"{file}:{function}"


def package(name: str) -> str:
    """What a function belongs to, for the second table: Django's ORM apart from the rest."""
    if name.startswith("~:"):
        return "built-ins (C: str, dict, isinstance...)"
    if name.startswith("stdlib/"):
        return "Python's standard library"
    for prefix, label in [
        ("django/db/models/", "Django's ORM (django/db/models)"),
        ("django/db/", "Django's database layer (django/db, but the ORM)"),
        ("django/", "Django, the rest"),
    ]:
        if name.startswith(prefix):
            return label
    return name.split("/", 1)[0]  # a package, or the shop's own code


if __name__ == "__main__" and "--child" in sys.argv:
    child()
