"""Benchmark: what a slow mail server costs a checkout, the email sent in the request or queued.

``nox -s bench -- queue`` (or ``python -m bench.queue``); what it showed and why:
patterns/10_on_commit/README.md, "What it costs a checkout".
"""

import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager

from bench.environment import shop_database
from bench.report import machine, print_table

ROUNDS = 30
WARM_UP = 10
SLOW_MAIL = 0.2  # seconds the mail server takes to accept a message
WORKER_CONCURRENCY = 2


def main() -> int:
    """Each row: ROUNDS checkouts through Django's request path, each emailing its confirmation.

    In the request: the email task runs in the web process after the COMMIT (no broker),
    to a mail server that keeps it in memory or answers at once (the floors), or takes
    SLOW_MAIL to accept it. On the queue: a Redis broker and a Celery worker process.
    """
    from servers.redis import redis_server_binary
    from servers.smtp import FakeMailServer

    rows = []
    with (
        shop_database(
            DJANGO_SETTINGS_MODULE="bench.settings_smtp",
            DJANGO_ALLOWED_HOSTS="testserver",
            THROTTLE_RATE_USER="100000000/min",  # measuring checkout, not the throttle
            OTEL_SDK_DISABLED="true",
            CELERY_BROKER_URL=None,  # no broker: the email is sent in the request (the queue's row brings one)
        ),
        FakeMailServer() as instant,
        FakeMailServer(delay=SLOW_MAIL) as slow,
    ):
        rows.append(measure("in the request", "in memory (floor)", None, mail=None))
        rows.append(
            measure("in the request", "SMTP, answers at once (floor)", instant.port, instant)
        )
        rows.append(measure("in the request", f"SMTP, {SLOW_MAIL * 1000:.0f} ms", slow.port, slow))
        if redis_server_binary() is None:
            print("no redis-server to be found: the queue's row is left out", file=sys.stderr)
        else:
            rows.append(on_the_queue(slow))
    print_latencies(rows)
    return 0


def measure(way: str, mail_server: str, port: int | None, mail, *, wait_for_mail=None) -> dict:
    """ROUNDS checkouts one after the other (after WARM_UP): their latency and their emails'.

    An email's time is when the mail server had it, from the start of its checkout's request.
    """
    from django.conf import settings

    print(f"   {way:<15} {mail_server}", file=sys.stderr, flush=True)
    if port is None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    else:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_PORT = port
    client, carts = customer_with_carts(WARM_UP + ROUNDS)
    for cart_id in carts[:WARM_UP]:
        check_out(client, cart_id)
    if wait_for_mail:
        wait_for_mail(WARM_UP)
    already = len(mail.received_at) if mail else 0
    started, latencies = [], []
    for cart_id in carts[WARM_UP:]:
        began = time.perf_counter()
        check_out(client, cart_id)
        started.append(began)
        latencies.append(time.perf_counter() - began)
    if wait_for_mail:
        wait_for_mail(WARM_UP + ROUNDS)
    arrivals = []
    if mail:
        received = sorted(mail.received_at[already:])[:ROUNDS]
        arrivals = [at - began for at, began in zip(received, started, strict=True)]
    return {
        "way": way,
        "mail": mail_server,
        "p50": statistics.median(latencies) * 1000,
        "p95": statistics.quantiles(latencies, n=20)[-1] * 1000,
        "arrival": statistics.median(arrivals) * 1000 if arrivals else None,
        "arrival_p95": statistics.quantiles(arrivals, n=20)[-1] * 1000 if arrivals else None,
    }


def on_the_queue(mail) -> dict:
    from servers.celery import celery_on_broker
    from servers.redis import RedisServer

    redis = RedisServer()
    try:
        with celery_on_broker(redis.url), worker_process(redis.url, mail.port):
            base = len(mail.received)

            def wait_for_mail(count: int) -> None:
                deadline = time.monotonic() + 120
                while len(mail.received) < base + count:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the worker did not deliver the emails in 120 s")
                    time.sleep(0.01)

            return measure(
                f"on the queue ({WORKER_CONCURRENCY} worker processes)",
                f"SMTP, {SLOW_MAIL * 1000:.0f} ms",
                mail.port,
                mail,
                wait_for_mail=wait_for_mail,
            )
    finally:
        redis.stop()


@contextmanager
def worker_process(broker: str, smtp_port: int):
    from servers import ROOT

    env = {**os.environ, "CELERY_BROKER_URL": broker, "BENCH_SMTP_PORT": str(smtp_port)}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "shop", "worker", "--loglevel", "error"),
            *("--concurrency", str(WORKER_CONCURRENCY), "--without-mingle", "--without-gossip"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # its banner
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def customer_with_carts(count: int):
    from django.test import Client

    from shop.carts.models import Cart, CartItem
    from shop.products.models import SKU, Product
    from shop.users.models import User
    from shop.users.serializers import ActiveUserTokenObtainPairSerializer

    n = User.objects.count()
    user = User.objects.create_user(f"buyer{n}@example.com", "x", is_active=True)
    product = Product.objects.create(name=f"Bench product {n}")
    sku = SKU.objects.create(product=product, code=f"Q{n}", price="9.99", stock=count)
    carts = Cart.objects.bulk_create(Cart(user=user) for _ in range(count))
    CartItem.objects.bulk_create(CartItem(cart=cart, sku=sku, quantity=1) for cart in carts)
    token = ActiveUserTokenObtainPairSerializer.get_token(user).access_token
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}"), [cart.pk for cart in carts]


def check_out(client, cart_id: int) -> None:
    response = client.post("/api/checkouts/", {"cart_id": cart_id}, content_type="application/json")
    if response.status_code != 201:
        raise RuntimeError(f"checkout answered {response.status_code}: {response.content[:300]}")


def print_latencies(rows: list[dict]) -> None:
    print_table(
        f"Checkout latency: {ROUNDS} checkouts one after the other, each emailing its "
        f"confirmation; machine: {machine()}",
        [
            "the email is sent",
            "mail server",
            "p50 ms",
            "p95 ms",
            "email at the server, p50 ms",
            "p95 ms",
        ],
        [
            [r["way"], r["mail"], f"{r['p50']:.1f}", f"{r['p95']:.1f}"]
            + ([f"{r['arrival']:.0f}", f"{r['arrival_p95']:.0f}"] if r["arrival"] else ["n/a"] * 2)
            for r in rows
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
