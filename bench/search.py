"""Benchmark: ranked search through the API stack, 1k to 100k products, on PostgreSQL and SQLite.

``nox -s bench -- search`` (or ``python -m bench.search``); what it showed and why:
patterns/07_search_ranking/README.md#measured.
"""

import json
import random
import statistics
import subprocess
import sys
import time

from bench.environment import shop_database
from bench.report import machine, print_table

SIZES = [1_000, 10_000, 100_000]
REQUESTS_PER_TERM = 30
TERMS = {
    # name of the case: (term, what it exercises)
    "exact name": "Porcelain Teapot",
    "common word": "porcelain",  # about one product in ten
    "rare substring": "zebra",  # a handful, wherever they sit in the name
}
ADJECTIVES = [
    "blue",
    "red",
    "small",
    "large",
    "classic",
    "modern",
    "rustic",
    "glazed",
    "hand-made",
    "vintage",
]
MATERIALS = [
    "porcelain",
    "oak",
    "linen",
    "steel",
    "cotton",
    "glass",
    "walnut",
    "wool",
    "copper",
    "clay",
]
NOUNS = ["teapot", "bowl", "chair", "lamp", "scarf", "mug", "vase", "table", "rug", "plate"]


def main() -> int:
    rows = []
    for database in ["postgresql", "sqlite"]:
        print(f"== {database}", file=sys.stderr, flush=True)
        rows += run_child(database)
    print_timings(rows)
    return 0


def run_child(database: str) -> list[dict]:
    """Each database in its own process: Django is configured once per process."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.search", "--child", database],
        stdout=subprocess.PIPE,
        check=True,
        text=True,
    )
    return json.loads(result.stdout)


def child(database: str) -> None:
    """One catalogue grown to each size, each search timed through APIClient (no network).

    Django, DRF, the filter and the paginator. On PostgreSQL each size twice: with the
    UPPER(name) trigram index, and without it (its migration reversed, then re-applied).
    """
    with shop_database(
        database=database,
        THROTTLE_RATE_ANON="100000000/min",  # measuring search, not the throttle
        DJANGO_ALLOWED_HOSTS="testserver",  # APIClient's host name
    ):
        from django.core.management import call_command
        from django.db import connection

        rows = []
        for size in SIZES:
            grow_catalogue_to(size)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE products_product")
                rows += measure(size, index="yes")
                call_command("migrate", "products", "0001", verbosity=0)
                rows += measure(size, index="no")
                call_command("migrate", "products", verbosity=0)
            else:
                rows += measure(size, index="n/a")
    print(json.dumps(rows))


def grow_catalogue_to(size: int) -> None:
    from shop.products.models import SKU, Product

    have = Product.objects.count()
    rng = random.Random(size)
    names = [
        " ".join([rng.choice(ADJECTIVES), rng.choice(MATERIALS), rng.choice(NOUNS)])
        + ("" if rng.random() > 0.001 else " zebra print")
        for _ in range(size - have)
    ]
    if have == 0:
        names[0] = "Porcelain Teapot"
    started = time.perf_counter()
    for start in range(0, len(names), 5_000):
        products = Product.objects.bulk_create(
            Product(name=n) for n in names[start : start + 5_000]
        )
        SKU.objects.bulk_create(
            SKU(product=p, code=f"SKU-{p.pk}", price="9.99", stock=10) for p in products
        )
    print(
        f"   {size:>7} products ({time.perf_counter() - started:.1f} s to add)",
        file=sys.stderr,
        flush=True,
    )


def measure(size: int, *, index: str) -> list[dict]:
    from django.db import connection
    from rest_framework.test import APIClient

    client = APIClient()
    rows = []
    for case, term in TERMS.items():
        client.get("/api/products/", {"search": term})  # warm up caches and connection
        timings, matched = [], 0
        for _ in range(REQUESTS_PER_TERM):
            started = time.perf_counter()
            response = client.get("/api/products/", {"search": term})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content
            matched = response.json()["count"]
        rows.append(
            {
                "database": connection.vendor,
                "products": size,
                "index": index,
                "case": case,
                "matches": matched,
                "p50": statistics.median(timings),
                "p95": statistics.quantiles(timings, n=20)[-1],
            }
        )
    return rows


def print_timings(rows: list[dict]) -> None:
    print_table(
        f"Ranked search, {REQUESTS_PER_TERM} requests per row, through APIClient; machine: {machine()}",
        ["database", "products", "trigram index", "search", "matches", "p50 ms", "p95 ms"],
        [
            [
                r["database"],
                f"{r['products']:,}",
                r["index"],
                r["case"],
                f"{r['matches']:,}",
                f"{r['p50']:.1f}",
                f"{r['p95']:.1f}",
            ]
            for r in rows
        ],
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        child(sys.argv[sys.argv.index("--child") + 1])
    else:
        sys.exit(main())
