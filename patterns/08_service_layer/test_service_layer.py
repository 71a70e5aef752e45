"""Pattern 08: checkout is one service, correct under concurrency.

Each scenario runs real threads against PostgreSQL. The ``order_insert``
rendezvous holds every buyer just before the order INSERT until the others have
arrived or are blocked on a lock (see patterns/concurrency.py), so the naive
view fails on every run and the service passes on every run.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext
from django.urls import path
from rest_framework.test import APIClient

from patterns.concurrency import Rendezvous, run_concurrently
from patterns.kata import RedGreen, load_naive, mount, said
from shop.carts.services import cart_add_item, cart_create
from shop.checkouts.views import CheckoutView
from shop.orders.models import Order
from shop.products.models import SKU
from tests.factories import ProductFactory, UserFactory

naive = load_naive(__file__)
red_green = RedGreen(naive=naive.CheckoutView, shop=CheckoutView)


def concurrent(test):
    """Real threads, real commits, PostgreSQL's row locks."""
    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.postgres(reason="row locks and READ COMMITTED races")(test)


@pytest.fixture
def checkout_url(variant, settings):
    mount(settings, [path("checkouts/", variant.as_view())])
    return "/checkouts/"


@pytest.fixture
def order_insert():
    """A Rendezvous factory for the moment just before an order row is written."""
    opened = []

    def make(parties: int) -> Rendezvous:
        rendezvous = Rendezvous(parties)
        pre_save.connect(rendezvous.arrive, sender=Order, weak=False, dispatch_uid="kata-08")
        opened.append(rendezvous)
        return rendezvous

    yield make
    pre_save.disconnect(sender=Order, dispatch_uid="kata-08")
    for rendezvous in opened:
        rendezvous.close()


def sku_with_stock(stock: int, code: str = "HOT-1") -> SKU:
    return ProductFactory(name="Hot item", skus=0).skus.create(
        code=code, price=Decimal("9.99"), stock=stock
    )


def buyer_with_cart(*lines: tuple[SKU, int], user=None):
    user = user or UserFactory()
    cart = cart_create(user=user)
    for sku, quantity in lines:
        cart_add_item(user=cart.user, cart_id=cart.pk, sku_id=sku.pk, quantity=quantity)
    return user, cart


def checkout(url: str, user, cart, key: str | None = None):
    """A call that one thread makes: POST the checkout as ``user``."""

    def call():
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(user)
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        response = client.post(url, {"cart_id": cart.pk}, format="json", **headers)
        return response.status_code, response.json()

    return call


def stock_of(sku: SKU) -> int:
    return SKU.objects.values_list("stock", flat=True).get(pk=sku.pk)


# --- 1. Ten buyers, one unit left -------------------------------------------------


@concurrent
@red_green(why="no lock: every buyer reads one unit left and every buyer gets an order")
def test_ten_buyers_of_the_last_unit_make_exactly_one_order(checkout_url, order_insert):
    sku = sku_with_stock(1)
    carts = [buyer_with_cart((sku, 1)) for _ in range(10)]

    results = run_concurrently(
        [checkout(checkout_url, user, cart) for user, cart in carts], order_insert(10)
    )

    orders = Order.objects.count()
    assert orders == 1, said("10 buyers checked out the last unit at once", f"{orders} orders", 1)
    assert sorted(status for status, _ in results) == [201] + [409] * 9
    assert all(body["code"] == "insufficient_stock" for status, body in results if status == 409)
    assert stock_of(sku) == 0


# --- 2. Twenty buyers of one unit each, stock 100 ---------------------------------------


@concurrent
@red_green(why="read-modify-write of stock: concurrent decrements overwrite each other")
def test_twenty_buyers_of_one_unit_each_leave_exactly_eighty(checkout_url, order_insert):
    sku = sku_with_stock(100)
    carts = [buyer_with_cart((sku, 1)) for _ in range(20)]

    results = run_concurrently(
        [checkout(checkout_url, user, cart) for user, cart in carts], order_insert(20)
    )

    assert [status for status, _ in results] == [201] * 20
    assert stock_of(sku) == 80, said("20 buyers took one unit each of 100", stock_of(sku), 80)


# --- 3. Carts holding A,B and B,A --------------------------------------------------------


@concurrent
def test_carts_holding_a_b_and_b_a_both_succeed_without_a_deadlock(order_insert):
    a, b = sku_with_stock(5, "A-1"), sku_with_stock(5, "B-1")
    first = buyer_with_cart((a, 1), (b, 1))
    second = buyer_with_cart((b, 1), (a, 1))

    results = run_concurrently(
        [checkout("/api/checkouts/", *first), checkout("/api/checkouts/", *second)], order_insert(2)
    )

    assert [status for status, _ in results] == [201, 201], results
    assert (stock_of(a), stock_of(b)) == (3, 3)


# --- 4. One key, sent twice at once ------------------------------------------------------


@concurrent
@red_green(why="check-then-create: both requests miss the earlier order and both insert")
def test_one_key_sent_twice_at_once_makes_one_order_and_both_answers_name_it(
    checkout_url, order_insert
):
    sku = sku_with_stock(10)
    user, cart = buyer_with_cart((sku, 2))

    results = run_concurrently(
        [checkout(checkout_url, user, cart, key="retry-1") for _ in range(2)], order_insert(2)
    )

    named = {body.get("id") for status, body in results if status == 201}
    assert ([status for status, _ in results], len(named)) == ([201, 201], 1), said(
        "sent one Idempotency-Key twice at once",
        [f"{status} {body.get('id') or body.get('code')}" for status, body in results],
        "two 201s naming one order",
    )
    assert Order.objects.count() == 1
    assert stock_of(sku) == 8


# --- 5. One key replayed after success -----------------------------------------------------


@pytest.mark.django_db
def test_a_replay_after_success_answers_the_same_and_changes_nothing(client_for):
    sku = sku_with_stock(10)
    user, cart = buyer_with_cart((sku, 2))
    client = client_for(user)
    first = client.post(
        "/api/checkouts/", {"cart_id": cart.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    again = client.post(
        "/api/checkouts/", {"cart_id": cart.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert (Order.objects.count(), stock_of(sku)) == (1, 8)


# --- 6. One key with a different cart --------------------------------------------------------


@pytest.mark.django_db
@red_green(why="the naive replay never compares the request: another cart gets the old order")
def test_one_key_with_a_different_cart_is_refused_with_422(checkout_url):
    sku = sku_with_stock(10)
    user, cart = buyer_with_cart((sku, 1))
    _, other_cart = buyer_with_cart((sku, 3), user=user)
    checkout(checkout_url, user, cart, key="k")()

    status, body = checkout(checkout_url, user, other_cart, key="k")()

    assert status == 422, said("reused an Idempotency-Key for another cart", status, 422)
    assert body["code"] == "idempotency_key_reused"
    assert (Order.objects.count(), stock_of(sku)) == (1, 9)


@concurrent
def test_one_key_on_two_carts_at_once_makes_one_order_and_one_422(order_insert):
    """Different carts and SKUs, so no lock orders them: both reach the INSERT, and the
    unique (user, key) constraint makes the second wait, fail, and answer 422."""
    user, cart = buyer_with_cart((sku_with_stock(10, "A-1"), 1))
    _, other_cart = buyer_with_cart((sku_with_stock(10, "B-1"), 2), user=user)

    results = run_concurrently(
        [checkout("/api/checkouts/", user, c, key="k") for c in (cart, other_cart)], order_insert(2)
    )

    assert sorted(status for status, _ in results) == [201, 422], results
    assert Order.objects.count() == 1


# --- 7. The same key from two users ------------------------------------------------------------


@concurrent
def test_the_same_key_from_two_users_makes_two_independent_orders(order_insert):
    sku = sku_with_stock(10)
    buyers = [buyer_with_cart((sku, 1)) for _ in range(2)]

    results = run_concurrently(
        [checkout("/api/checkouts/", user, cart, key="same") for user, cart in buyers],
        order_insert(2),
    )

    assert [status for status, _ in results] == [201, 201]
    assert len({body["id"] for _, body in results}) == 2
    assert stock_of(sku) == 8


# --- 8. An error after the order insert ------------------------------------------------------------


class InjectedFailure(Exception):
    pass


@concurrent
def test_an_error_after_the_order_insert_rolls_everything_back(monkeypatch, mailoutbox):
    sku = sku_with_stock(10)
    user, cart = buyer_with_cart((sku, 2))

    def fail(**kwargs):
        raise InjectedFailure("the database went away after the order was inserted")

    monkeypatch.setattr("shop.checkouts.services.skus_take_stock", fail)
    with pytest.raises(InjectedFailure):
        checkout_raising("/api/checkouts/", user, cart, key="k")

    assert (Order.objects.count(), stock_of(sku), len(mailoutbox)) == (0, 10, 0)
    assert cart.items.count() == 1, "the cart was emptied by a checkout that failed"

    monkeypatch.undo()
    status, _ = checkout("/api/checkouts/", user, cart, key="k")()
    assert status == 201, "the key was used up by a checkout that never happened"
    assert len(mailoutbox) == 1


# --- Constant queries --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_one_line_and_a_fifty_line_checkout_run_the_same_queries(client_for):
    counts = []
    for lines in (1, 50):
        skus = [sku_with_stock(5, code=f"L{lines}-{n}") for n in range(lines)]
        user, cart = buyer_with_cart(*[(sku, 1) for sku in skus])
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/checkouts/", {"cart_id": cart.pk}, format="json")
        assert response.status_code == 201
        counts.append(len(queries))

    assert counts[0] == counts[1], said("checked out 1 line, then 50", counts, "the same count")


def checkout_raising(url: str, user, cart, key: str):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(url, {"cart_id": cart.pk}, format="json", HTTP_IDEMPOTENCY_KEY=key)
