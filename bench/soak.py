"""Soak: hundreds of concurrent clients against gunicorn for a bounded time, then an audit of the stock.

``nox -s soak`` (or ``python -m bench.soak [seconds] [clients]``); exits non-zero when
anything was oversold, ordered twice, or the stock does not add up.
"""

import os
import random
import statistics
import sys
import threading
import time
from collections import Counter

from bench.buyers import audit, buyer_request, buyers_with_carts
from bench.environment import shop_database
from bench.report import machine, print_table
from servers.gunicorn import Answer, Gunicorn

DURATION = 30.0  # seconds
CLIENTS = 200
MAX_STEPS = 200  # per client, whatever the clock says
HOT_SKUS = 3
HOT_STOCK = 150


def main(duration: float = DURATION, clients: int = CLIENTS) -> int:
    from servers.redis import RedisServer

    broker = RedisServer()
    try:
        with shop_database(
            THROTTLE_RATE_USER="100000000/min",  # soaking the shop, not its throttle
            THROTTLE_RATE_ANON="100000000/min",
            OTEL_SDK_DISABLED="true",
            CELERY_BROKER_URL=broker.url,  # emails queued, as in production; no worker
        ):
            world = seed(clients)
            print(f"Soaking: {clients} clients for {duration:.0f} s…", file=sys.stderr, flush=True)
            with Gunicorn(dict(os.environ), workers=4, extra_args=("--threads", "8")) as server:
                results = run(server.port, world, duration, clients)
            outcome = audit(world["skus"])
    finally:
        broker.stop()
    report(results, outcome, duration, clients)
    clean = outcome["oversold"] == outcome["duplicates"] == outcome["stock_mismatch"] == 0
    return 0 if clean else 1


def seed(clients: int) -> dict:
    from shop.products.models import SKU, Product

    hot = Product.objects.create(name="Hot item")
    skus = [
        SKU.objects.create(product=hot, code=f"HOT-{n}", price="9.99", stock=HOT_STOCK)
        for n in range(HOT_SKUS)
    ]
    for n in range(50):
        product = Product.objects.create(name=f"Porcelain piece {n}")
        SKU.objects.create(product=product, code=f"P-{n}", price="19.00", stock=1000)
    buyers = buyers_with_carts(skus, buyers=clients, carts=0, email="soak")
    return {"skus": {s.pk: s.stock for s in skus}, "tokens": [buyer.token for buyer in buyers]}


def run(port: int, world: dict, duration: float, clients: int) -> dict:
    statuses: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client(n: int) -> None:
        shopper = Shopper(port, world["tokens"][n], list(world["skus"]), random.Random(n))
        for step in range(MAX_STEPS):
            if time.monotonic() > deadline:
                break
            began = time.perf_counter()
            status = shopper.step(key=f"{n}-{step}")
            with lock:
                statuses[status] += 1
                latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"statuses": statuses, "latencies": latencies, "elapsed": time.perf_counter() - began}


class Shopper:
    """One client's next move: browse (40%), search (15%), add to the cart (30%), check out."""

    def __init__(self, port: int, token: str, hot_skus: list[int], rng: random.Random) -> None:
        self.port, self.token, self.hot_skus, self.rng = port, token, hot_skus, rng
        self.cart_id: int | None = None

    def step(self, *, key: str) -> int:
        roll = self.rng.random()
        if roll < 0.40:
            return self.send("GET", "/api/products/").status
        if roll < 0.55:
            return self.send("GET", "/api/products/?search=porcelain").status
        if self.cart_id is None:
            answer = self.send("POST", "/api/carts/", {})
            if answer.status == 201:
                self.cart_id = answer.json()["id"]
            return answer.status
        if roll < 0.85:
            line = {"sku_id": self.rng.choice(self.hot_skus), "quantity": self.rng.randint(1, 3)}
            return self.send("POST", f"/api/carts/{self.cart_id}/items/", line).status
        cart_id, self.cart_id = self.cart_id, None  # next round, a fresh cart
        return self.send("POST", "/api/checkouts/", {"cart_id": cart_id}, key).status

    def send(self, method: str, path: str, body=None, key: str | None = None) -> Answer:
        try:
            return buyer_request(self.port, method, path, body, token=self.token, key=key)
        except OSError:
            return Answer(0, {}, b"")  # connection refused or reset: counted as status 0


def report(results: dict, outcome: dict, duration: float, clients: int) -> None:
    latencies = sorted(results["latencies"])
    total = len(latencies)
    cuts = statistics.quantiles(latencies, n=100)
    codes = ", ".join(f"{code}: {n}" for code, n in sorted(results["statuses"].items()))
    print_table(
        f"Soak: {clients} clients, {duration:.0f} s budget, gunicorn 4 workers x 8 threads; "
        f"machine: {machine()}",
        ["requests", "requests/s", "p50 ms", "p95 ms", "p99 ms", "statuses"],
        [
            [total, f"{total / results['elapsed']:.0f}"]
            + [f"{cuts[n] * 1000:.0f}" for n in (49, 94, 98)]
            + [codes]
        ],
    )
    mismatch = outcome["stock_mismatch"]
    print_table(
        "Audit of the stock, after the soak",
        [
            "orders",
            "units sold",
            "oversold",
            "duplicate orders",
            "starting stock",
            "stock left",
            "stock + sold = start",
        ],
        [
            [outcome[name] for name in ("orders", "units_sold", "oversold", "duplicates")]
            + [outcome["starting_stock"], outcome["stock_left"]]
            + ["yes" if mismatch == 0 else f"NO, off by {mismatch}"]
        ],
    )


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else DURATION
    how_many = int(sys.argv[2]) if len(sys.argv) > 2 else CLIENTS
    sys.exit(main(seconds, how_many))
