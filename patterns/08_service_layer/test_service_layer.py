"""Pattern 08: checkout is one service, correct under concurrency.

Each scenario runs real threads against PostgreSQL. A ``Rendezvous`` holds every
buyer just before the order INSERT until the others have arrived or are blocked
on a lock (see testing/concurrency.py), so the naive and the article's checkouts
fail on every run and the service passes on every run.
"""

from decimal import Decimal

import psycopg.errors
import pytest
from django.db import IntegrityError, connection
from django.db.models.signals import pre_save
from django.urls import path

from kata.variants import Fails, Holds, Kata, load_variant, said
from shop.carts.services import cart_create, cart_item_add
from shop.checkouts.views import CheckoutView
from shop.orders.models import Order
from shop.products.models import SKU
from testing.concurrency import Rendezvous, run_concurrently, run_queued
from testing.crashes import CheckedClient, answer
from testing.factories import ProductFactory, UserFactory
from testing.preconditions import require
from testing.urls import mount

NAIVE = load_variant(__file__, "naive").CheckoutView
ARTICLE = load_variant(__file__, "article").CheckoutView
LINE_BY_LINE = load_variant(__file__, "line_by_line").CheckoutView
kata = Kata(naive=NAIVE, article=ARTICLE, shop=CheckoutView)

NO_STOCK_TAKEN = "the article never takes the stock: every buyer reads what the first one read"


def concurrent(test):
    """Real threads, real commits, PostgreSQL's row locks."""
    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.postgres(reason="row locks and READ COMMITTED races")(test)


ONE_ORDER_PER_KEY = next(
    c for c in Order._meta.constraints if c.name == "orders_order_one_order_per_idempotency_key"
)


@pytest.fixture
def schema(variant):
    """The article adds no unique constraint on (user, Idempotency-Key): its variant runs without ours."""
    if variant is not ARTICLE:
        yield
        return
    with connection.schema_editor() as editor:
        editor.remove_constraint(Order, ONE_ORDER_PER_KEY)
    yield
    if connection.in_atomic_block:
        return  # the test's transaction rolls the schema back with everything else
    Order.objects.all().delete()  # duplicates it made would block the constraint's return
    with connection.schema_editor() as editor:
        editor.add_constraint(Order, ONE_ORDER_PER_KEY)


@pytest.fixture
def checkout_url(variant, settings, schema):
    mount(settings, [path("checkouts/", variant.as_view())])
    return "/checkouts/"


def before_the_order_insert(parties: int) -> Rendezvous:
    return Rendezvous(parties).at_signal(pre_save, sender=Order)


def sku_with_stock(stock: int, code: str = "HOT-1") -> SKU:
    return ProductFactory(name="Hot item", skus=0).skus.create(
        code=code, price=Decimal("9.99"), stock=stock
    )


def buyer_with_cart(*lines: tuple[SKU, int], user=None):
    user = user or UserFactory()
    cart = cart_create(user=user)
    for sku, quantity in lines:
        cart_item_add(user=cart.user, cart_id=cart.pk, sku_id=sku.pk, quantity=quantity)
    return user, cart


def checkout(url: str, user, cart, key: str | None = None, expecting=()):
    """A call that one thread makes: POST the checkout as ``user``; the response."""

    def call():
        client = CheckedClient().expecting(*expecting)
        client.force_authenticate(user)
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return client.post(url, {"cart_id": cart.pk}, format="json", **headers)

    return call


def stock_of(sku: SKU) -> int:
    return SKU.objects.values_list("stock", flat=True).get(pk=sku.pk)


# --- 1. Ten buyers, one unit left -------------------------------------------------


@concurrent
@kata(
    naive=Fails("no lock: every buyer reads one unit left and every buyer gets an order"),
    article=Fails(NO_STOCK_TAKEN),
)
def test_ten_buyers_of_the_last_unit_make_exactly_one_order(checkout_url):
    sku = sku_with_stock(1)
    carts = [buyer_with_cart((sku, 1)) for _ in range(10)]

    responses = run_concurrently(
        [checkout(checkout_url, user, cart) for user, cart in carts],
        before_the_order_insert(10),
        lanes="buyer",
    )

    orders, left = Order.objects.count(), stock_of(sku)
    assert orders == 1, said(
        "10 buyers checked out the last unit at once",
        f"{orders} orders and {left} left",
        "1 order and 0 left",
    )
    assert sorted(answer(r) for r in responses) == ["201"] + ["409 insufficient_stock"] * 9
    assert left == 0


# --- 2. Twenty buyers of one unit each, stock 100 ---------------------------------------


@concurrent
@kata(
    naive=Fails("read-modify-write of stock: concurrent decrements overwrite each other"),
    article=Fails(NO_STOCK_TAKEN),
)
def test_twenty_buyers_of_one_unit_each_leave_exactly_eighty(checkout_url):
    sku = sku_with_stock(100)
    carts = [buyer_with_cart((sku, 1)) for _ in range(20)]

    responses = run_concurrently(
        [checkout(checkout_url, user, cart) for user, cart in carts],
        before_the_order_insert(20),
        lanes="buyer",
    )

    answers = [answer(r) for r in responses]
    assert answers == ["201"] * 20, said(
        "20 buyers took one unit each of 100", answers, "twenty 201s"
    )
    left = stock_of(sku)
    assert left == 80, said("20 buyers took one unit each of 100", f"{left} left", 80)


# --- 3. One buyer: what a checkout writes besides the order --------------------------------


@pytest.mark.django_db
@kata(
    naive=Holds("it takes the stock and empties the cart, one buyer at a time"),
    article=Fails(
        "its code never decrements the stock nor empties the cart, though its prose lists both"
    ),
)
def test_a_checkout_takes_the_stock_and_empties_the_cart(checkout_url):
    sku = sku_with_stock(10)
    user, cart = buyer_with_cart((sku, 2))

    response = checkout(checkout_url, user, cart)()

    require(response.status_code == 201, f"the checkout succeeded (got {answer(response)})")
    left, lines = stock_of(sku), cart.items.count()
    assert (left, lines) == (8, 0), said(
        "checked out 2 of 10 units",
        f"{left} left and {lines} line(s) still in the cart",
        "8 left and an empty cart",
    )


# --- 4. Carts holding A,B and B,A ----------------------------------------------------------

lock_order = Kata(line_by_line=LINE_BY_LINE, article=ARTICLE, shop=CheckoutView)


@concurrent
@lock_order(
    line_by_line=Fails("each buyer holds its first SKU and waits for the other's: a deadlock"),
    article=Holds(
        "one statement locks the whole set, and PostgreSQL walked both carts' rows in "
        "the same order; nothing in its code asks for one"
    ),
)
def test_carts_holding_a_b_and_b_a_both_succeed_without_a_deadlock(checkout_url):
    """The naive takes no locks, so it has no lock order to test: its races are above.

    The rendezvous holds each buyer right after its first SKU lock, until the other
    has taken its first too or waits for it: the one moment a lock order matters.
    """
    a, b = sku_with_stock(5, "A-1"), sku_with_stock(5, "B-1")
    first = buyer_with_cart((a, 1), (b, 1))
    second = buyer_with_cart((b, 1), (a, 1))
    deadlock = psycopg.errors.DeadlockDetected  # SQLSTATE 40P01

    responses = run_concurrently(
        [
            checkout(checkout_url, *first, expecting=[deadlock]),
            checkout(checkout_url, *second, expecting=[deadlock]),
        ],
        Rendezvous(2).after_first_statement("FOR UPDATE", '"products_sku"'),
        lanes="buyer",
    )

    answers = sorted(answer(r) for r in responses)
    assert answers == ["201", "201"], said(
        "checked out carts holding A,B and B,A at once", answers, "two 201s"
    )


# Each buyer's connection plans the SKU lock its own way, as two carts of different sizes,
# or one planned after the statistics changed, can: an index scan gives the rows in id
# order, a bitmap heap scan in the order they lie in the table.
ID_ORDER = ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin")
HEAP_ORDER = ("enable_seqscan", "enable_indexscan", "enable_hashjoin", "enable_mergejoin")


def planned(call, *switched_off: str):
    """``call`` on a connection whose planner may not use ``switched_off`` (slower plans only)."""

    def steered():
        with connection.cursor() as cursor:
            for setting in switched_off:
                cursor.execute(f"SET {setting} = off")
        return call()

    return steered


@concurrent
@lock_order(
    line_by_line=Holds("both carts list A before B: it locks both in that order"),
    article=Holds(
        "its query has no order_by, but SKU's Meta.ordering = ['id'] sorts it before the "
        "lock: the order is the model's, not the article's"
    ),
)
def test_carts_whose_plans_meet_the_rows_in_other_orders_both_succeed(checkout_url):
    """A lock order is only fixed by ORDER BY: without one, rows lock in plan order.

    A was updated since it was made, so it now lies after B in the table. One buyer's
    plan walks the rows in id order (A, B), the other's in table order (B, A). A third
    transaction holds B while the table-order buyer queues for it, then the id-order
    buyer takes A and queues too; the holder lets go. Locked in plan order, the first
    buyer gets B and waits for A, which the second holds while it waits for B: a
    deadlock. Locked in id order, both wait in line and both succeed.
    """
    a, b = sku_with_stock(5, "A-1"), sku_with_stock(5, "B-1")
    SKU.objects.filter(pk=a.pk).update(code="A-2")  # a new row version, after B's
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM products_sku ORDER BY ctid")
        require([i for (i,) in cursor.fetchall()] == [b.pk, a.pk], "A lies after B in the table")
    table_order = buyer_with_cart((a, 1), (b, 1), (sku_with_stock(5, "C-1"), 1))
    id_order = buyer_with_cart((a, 1), (b, 1))
    deadlock = psycopg.errors.DeadlockDetected  # SQLSTATE 40P01

    responses = run_queued(
        [
            planned(checkout(checkout_url, *table_order, expecting=[deadlock]), *HEAP_ORDER),
            planned(checkout(checkout_url, *id_order, expecting=[deadlock]), *ID_ORDER),
        ],
        behind=lambda: list(SKU.objects.select_for_update().filter(pk=b.pk)),
        lanes="buyer",
    )

    answers = sorted(answer(r) for r in responses)
    assert answers == ["201", "201"], said(
        "checked out two carts whose plans lock A and B in other orders", answers, "two 201s"
    )


# --- 5. One key, sent twice at once ------------------------------------------------------


@concurrent
@kata(
    naive=Fails(
        "check-then-create: both requests miss the earlier order; the shop's constraint refuses one"
    ),
    article=Fails(
        "filter().first() then create, and no unique constraint: both requests insert an order"
    ),
)
def test_one_key_sent_twice_at_once_makes_one_order_and_both_answers_name_it(checkout_url):
    sku = sku_with_stock(10)
    user, cart = buyer_with_cart((sku, 2))

    responses = run_concurrently(
        [
            checkout(checkout_url, user, cart, key="retry-1", expecting=[IntegrityError])
            for _ in range(2)
        ],
        before_the_order_insert(2),
        lanes="request",
    )

    answers = sorted(answer(r) for r in responses)
    named = {r.json()["id"] for r in responses if r.status_code == 201}
    orders = Order.objects.count()
    assert (answers, len(named), orders) == (["201", "201"], 1, 1), said(
        "sent one Idempotency-Key twice at once",
        f"{' and '.join(answers)}, naming {len(named)} order(s), {orders} in the database",
        "two 201s naming one order",
    )
    assert stock_of(sku) == 8


# --- 6. One key with a different cart --------------------------------------------------------


@pytest.mark.django_db
@kata(
    naive=Fails("the naive replay never compares the request: another cart gets the old order"),
    article=Fails(
        "the article replays whatever order has the key: another cart gets the old order"
    ),
)
def test_one_key_with_a_different_cart_is_refused_with_422(checkout_url):
    sku = sku_with_stock(10)
    user, cart = buyer_with_cart((sku, 1))
    _, other_cart = buyer_with_cart((sku, 3), user=user)
    require(
        checkout(checkout_url, user, cart, key="k")().status_code == 201,
        "the first checkout succeeded",
    )

    response = checkout(checkout_url, user, other_cart, key="k")()

    assert response.status_code == 422, said(
        "reused an Idempotency-Key for another cart", answer(response), "422 idempotency_key_reused"
    )
    assert response.json()["code"] == "idempotency_key_reused"
    assert (Order.objects.count(), stock_of(sku)) == (1, 9)


# --- 7. Refusals: nothing is written ---------------------------------------------------------------


@pytest.mark.django_db
@kata(
    naive=Holds("it re-checks the stock and raises the shop's InsufficientStock"),
    article=Fails(
        "missing stock is DRF's ValidationError: a 400, as if the request were malformed"
    ),
)
def test_too_little_stock_is_refused_with_409_naming_the_sku_and_nothing_is_written(checkout_url):
    sku = sku_with_stock(1)
    user, cart = buyer_with_cart((sku, 1))
    cart.items.update(quantity=2)  # the stock fell after the item went into the cart

    response = checkout(checkout_url, user, cart)()

    assert response.status_code == 409, said(
        "checked out 2 units of a SKU with 1 left", answer(response), "409 insufficient_stock"
    )
    assert response.json() == {
        "detail": "Not enough stock for HOT-1.",
        "code": "insufficient_stock",
    }
    assert (Order.objects.count(), stock_of(sku), cart.items.count()) == (0, 1, 1)


@pytest.mark.django_db
@kata(
    naive=Holds("it checks that each product is still on sale"),
    article=Fails("it checks the stock only: an archived product is still sold"),
)
def test_a_product_archived_after_it_went_into_the_cart_is_not_sold(checkout_url):
    sku = sku_with_stock(5)
    user, cart = buyer_with_cart((sku, 1))
    sku.product.is_active = False  # archived by staff (pattern 06) while it sat in the cart
    sku.product.save(update_fields=["is_active"])

    response = checkout(checkout_url, user, cart)()

    orders = Order.objects.count()
    assert (response.status_code, orders) == (409, 0), said(
        "checked out a cart holding an archived product",
        f"{answer(response)} and {orders} order(s)",
        "409 insufficient_stock and no order",
    )


@pytest.mark.django_db
@kata(
    naive=Holds("it refuses an empty cart"),
    article=Fails("nothing checks the cart has lines: an empty cart makes an empty order"),
)
def test_an_empty_cart_is_refused_with_400(checkout_url):
    user, cart = buyer_with_cart()

    response = checkout(checkout_url, user, cart)()

    orders = Order.objects.count()
    assert (answer(response), orders) == ("400 empty_cart", 0), said(
        "checked out an empty cart",
        f"{answer(response)} and {orders} order(s)",
        "400 empty_cart and no order",
    )
