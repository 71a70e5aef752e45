"""Pattern 09: an order shows what was bought, whatever the catalogue does next."""

from contextlib import suppress
from decimal import Decimal

import pytest
from django import test as django_test
from django.db import IntegrityError, connection, transaction
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from rest_framework import serializers
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIClient

from kata.variants import Fails, Holds, Kata, load_variant, said
from shop.carts.services import cart_create, cart_item_add
from shop.checkouts.services import order_place
from shop.orders.models import Order, OrderItem
from shop.orders.views import OrderViewSet
from shop.products.errors import StillReferenced
from shop.products.models import SKU, Product
from shop.products.services import (
    product_archive,
    product_create,
    product_purge,
    product_update,
    sku_update,
)
from testing.factories import ProductFactory, SKUFactory, UserFactory
from testing.preconditions import require
from testing.urls import mount

ARTICLE = load_variant(__file__, "article")
kata = Kata(
    naive=load_variant(__file__, "naive").OrderViewSet,
    article=ARTICLE.OrderViewSet,
    shop=OrderViewSet,
)
SNAPSHOT_READ = "its serializer shows the snapshot columns, not the catalogue"


def checkout(user, *lines: tuple[SKU, int]) -> Order:
    """An order placed the way the shop places every order: a cart, then the checkout service."""
    cart = cart_create(user=user)
    for sku, quantity in lines:
        cart_item_add(user=cart.user, cart_id=cart.pk, sku_id=sku.pk, quantity=quantity)
    return order_place(user=user, cart_id=cart.pk).order


def differences(got: dict, expected: dict) -> tuple[str, str]:
    """Only the fields that differ, as "name value, name value", for an assertion message."""
    keys = [
        key for key in {**expected, **got} if got.get(key, "(none)") != expected.get(key, "(none)")
    ]
    return (
        ", ".join(f"{key} {got.get(key, '(none)')}" for key in keys),
        ", ".join(f"{key} {expected.get(key, '(none)')}" for key in keys),
    )


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def vase(db) -> SKU:
    product = ProductFactory(name="Porcelain vase")
    return SKUFactory(product=product, code="VASE-BLUE", price=Decimal("12.50"), stock=10)


@pytest.fixture
def schema(variant):
    """The article enforces its snapshot with a comment: its variant runs without our trigger."""
    if variant is ARTICLE.OrderViewSet and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for trigger in ARTICLE.WITHOUT_TRIGGERS:
                table = trigger.removesuffix("_snapshot_immutable")
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    # Rolled back with the test's transaction, like everything else it wrote.


@pytest.fixture
def read_order(variant, settings, customer, schema):
    """``read_order(order)``: GET /orders/{id}/ through the variant's viewset, as its owner."""
    router = SimpleRouter()
    router.register("orders", variant, basename="order")
    mount(settings, router.urls)
    client = APIClient()
    client.force_authenticate(customer)

    def read(order: Order) -> dict:
        response = client.get(f"/orders/{order.pk}/")
        require(response.status_code == 200, f"GET /orders/{order.pk}/ as its owner answered 200")
        return response.json()

    return read


VASE_BOUGHT = {
    "product_name": "Porcelain vase",
    "sku_code": "VASE-BLUE",
    "unit_price": "12.50",
    "quantity": 2,
    "line_total": "25.00",
}


@kata(
    naive=Fails("the naive item reads the SKU's price today, not the price paid"),
    article=Holds(SNAPSHOT_READ),
)
def test_a_repriced_sku_leaves_the_price_paid(customer, vase, read_order):
    order = checkout(customer, (vase, 2))

    sku_update(sku=vase, price=Decimal("15.00"))

    item = read_order(order)["items"][0]
    expected = {"sku_id": vase.pk, **VASE_BOUGHT}
    assert item == expected, said(
        "read the order after the SKU was repriced", *differences(item, expected)
    )


@kata(
    naive=Fails("the naive total adds up today's prices, not what was charged"),
    article=Holds("its total adds up the line totals the items keep"),
)
def test_a_repriced_sku_leaves_the_order_total_charged(customer, vase, read_order):
    cup = SKUFactory(code="CUP-WHITE", price=Decimal("4.20"), stock=10)
    order = checkout(customer, (vase, 2), (cup, 3))  # 25.00 + 12.60

    sku_update(sku=cup, price=Decimal("3.99"))  # a sale starts the next day

    total = read_order(order)["total"]
    assert total == "37.60", said(
        "read the order's total after one of its SKUs was repriced", total, "37.60"
    )


@kata(
    naive=Fails("the naive item reads the product's name today, not the name on the receipt"),
    article=Holds(SNAPSHOT_READ),
)
def test_a_renamed_product_leaves_the_name_bought(customer, vase, read_order):
    order = checkout(customer, (vase, 2))

    product_update(product=vase.product, name="Porcelain vase, 2025 edition")

    item = read_order(order)["items"][0]
    expected = {"sku_id": vase.pk, **VASE_BOUGHT}
    assert item == expected, said(
        "read the order after the product was renamed", *differences(item, expected)
    )


@kata(
    naive=Fails("the naive item reads the SKU's code today, not the code that was shipped"),
    article=Holds(SNAPSHOT_READ),
)
def test_a_new_sku_code_leaves_the_code_bought(customer, vase, read_order):
    order = checkout(customer, (vase, 2))

    vase.code = "VASE-BLUE-L"  # as staff do in the admin's SKU inline
    vase.save(update_fields=["code"])

    item = read_order(order)["items"][0]
    expected = {"sku_id": vase.pk, **VASE_BOUGHT}
    assert item == expected, said(
        "read the order after the SKU's code changed", *differences(item, expected)
    )


@pytest.mark.postgres(reason="the trigger is PostgreSQL's; on SQLite only save() guards")
@kata(
    naive=Fails("the naive item reads the product's name today: renaming it rewrites the order"),
    article=Fails(
        '"never change after creation" is a comment: a queryset .update() rewrites the '
        "snapshot, and nothing refuses it"
    ),
)
def test_a_rebrand_script_leaves_the_name_bought(customer, vase, read_order):
    order = checkout(customer, (vase, 2))

    # The script "to keep the reports consistent": the catalogue, then the old orders.
    Product.objects.filter(name="Porcelain vase").update(name="Stoneware vase")
    with suppress(IntegrityError), transaction.atomic():
        OrderItem.objects.filter(product_name="Porcelain vase").update(
            product_name="Stoneware vase"
        )

    name = read_order(order)["items"][0]["product_name"]
    assert name == "Porcelain vase", said(
        "read the order after a rebrand script renamed the product and its order items",
        f"product_name {name}",
        "product_name Porcelain vase",
    )


# --- Any sequence of catalogue edits (hypothesis, stateful) -------------------------------

NAMES = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=30)
PRICES = st.decimals(min_value=0, max_value=Decimal("9999.99"), places=2)
STOCKS = st.integers(min_value=0, max_value=50)
QUANTITIES = st.integers(min_value=1, max_value=3)


def flat(order: dict) -> dict:
    """``{"total": ..., "items[0].sku_code": ...}``: one key per fact, to name what differs."""
    facts = {key: value for key, value in order.items() if key != "items"}
    for n, item in enumerate(order.get("items", [])):
        facts.update({f"items[{n}].{key}": value for key, value in item.items()})
    return facts


def money(amount: Decimal) -> str:
    """How the API writes an amount: a string with two decimals (never "-0.00")."""
    return f"{amount + 0:.2f}"


class CatalogueEditsNeverChangeAnOrder(RuleBasedStateMachine):
    """Customers buy while staff edit the catalogue in every way the shop allows.

    The machine keeps its own model of the catalogue (names, codes, prices,
    stock, archived, purged), writes down each order from that model when it is
    placed, and after every step reads every order back through the API as its
    owner: each must be exactly what was bought.

    Each run is one savepoint, rolled back in ``teardown()``: no rows leak from
    one example into the next.
    """

    skus = Bundle("skus")

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.customer = UserFactory()
        self.client = APIClient()
        self.client.force_authenticate(self.customer)
        self.product_of: dict[int, int] = {}  # sku id -> product id
        self.code: dict[int, str] = {}
        self.price: dict[int, Decimal] = {}
        self.stock: dict[int, int] = {}
        self.name: dict[int, str] = {}  # product id -> name
        self.active: dict[int, bool] = {}
        self.purged: set[int] = set()  # product ids
        self.ordered: set[int] = set()  # product ids some order refers to
        self.expected: dict[int, dict] = {}  # order id -> what GET /api/orders/{id}/ must say
        self.codes_issued = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    # -- the model ---------------------------------------------------------------------

    def new_code(self) -> str:
        self.codes_issued += 1
        return f"SKU-{self.codes_issued:03d}"

    def remember_sku(self, sku: SKU) -> int:
        self.product_of[sku.pk] = sku.product_id
        self.code[sku.pk], self.price[sku.pk], self.stock[sku.pk] = sku.code, sku.price, sku.stock
        return sku.pk

    def exists(self, sku_id: int) -> bool:
        return self.product_of[sku_id] not in self.purged

    def sellable(self, sku_id: int, quantity: int) -> bool:
        product_id = self.product_of[sku_id]
        return self.exists(sku_id) and self.active[product_id] and self.stock[sku_id] >= quantity

    # -- customers ---------------------------------------------------------------------

    @rule(sku=skus, quantity=QUANTITIES)
    def buy_one(self, sku: int, quantity: int) -> None:
        self.buy({sku: quantity})

    @rule(lines=st.lists(st.tuples(skus, QUANTITIES), min_size=2, max_size=4))
    def buy_several(self, lines: list[tuple[int, int]]) -> None:
        quantities: dict[int, int] = {}
        for sku, quantity in lines:
            quantities[sku] = quantities.get(sku, 0) + quantity
        self.buy(quantities)

    def buy(self, quantities: dict[int, int]) -> None:
        """Check out whatever of ``quantities`` is on sale, in a fresh cart."""
        lines = {sku: qty for sku, qty in sorted(quantities.items()) if self.sellable(sku, qty)}
        if not lines:
            return
        cart = cart_create(user=self.customer)
        for sku, quantity in lines.items():
            cart_item_add(user=cart.user, cart_id=cart.pk, sku_id=sku, quantity=quantity)
        order = order_place(user=self.customer, cart_id=cart.pk).order

        items = [
            {
                "sku_id": sku,
                "product_name": self.name[self.product_of[sku]],
                "sku_code": self.code[sku],
                "unit_price": money(self.price[sku]),
                "quantity": quantity,
                "line_total": money(self.price[sku] * quantity),
            }
            for sku, quantity in lines.items()
        ]
        self.expected[order.pk] = {
            "id": order.pk,
            "status": "placed",
            "created_at": serializers.DateTimeField().to_representation(order.created_at),
            "total": money(sum((self.price[sku] * qty for sku, qty in lines.items()), Decimal(0))),
            "items": items,
        }
        for sku, quantity in lines.items():
            self.stock[sku] -= quantity
            self.ordered.add(self.product_of[sku])

    # -- staff -------------------------------------------------------------------------

    @initialize(target=skus, name=NAMES, price=PRICES, stock=STOCKS.map(lambda n: n + 1))
    def first_product(self, name: str, price: Decimal, stock: int) -> int:
        return self.new_product(name, price, stock)

    @rule(target=skus, name=NAMES, price=PRICES, stock=STOCKS)
    def new_product(self, name: str, price: Decimal, stock: int) -> int:
        product = product_create(
            name=name, skus=[{"code": self.new_code(), "price": price, "stock": stock}]
        )
        self.name[product.pk], self.active[product.pk] = name, True
        return self.remember_sku(product.skus.get())

    @rule(target=skus, sku=skus, price=PRICES, stock=STOCKS)
    def new_sku(self, sku: int, price: Decimal, stock: int):
        if not self.exists(sku):
            return multiple()  # nothing new
        return self.remember_sku(
            SKU.objects.create(
                product_id=self.product_of[sku], code=self.new_code(), price=price, stock=stock
            )
        )

    @rule(sku=skus, name=NAMES)
    def rename(self, sku: int, name: str) -> None:
        if self.exists(sku):
            product = Product.objects.get(pk=self.product_of[sku])
            product_update(product=product, name=name)
            self.name[product.pk] = name

    @rule(sku=skus, price=PRICES)
    def reprice(self, sku: int, price: Decimal) -> None:
        if self.exists(sku):
            sku_update(sku=SKU.objects.get(pk=sku), price=price)
            self.price[sku] = price

    @rule(sku=skus)
    def recode(self, sku: int) -> None:
        if self.exists(sku):
            row = SKU.objects.get(pk=sku)
            row.code = self.new_code()  # as staff do in the admin's SKU inline
            row.save(update_fields=["code"])
            self.code[sku] = row.code

    @rule(sku=skus, stock=STOCKS)
    def restock(self, sku: int, stock: int) -> None:
        if self.exists(sku):
            sku_update(sku=SKU.objects.get(pk=sku), stock=stock)
            self.stock[sku] = stock

    @rule(sku=skus, archived=st.booleans())
    def archive_or_restore(self, sku: int, archived: bool) -> None:
        """A soft delete (pattern 06), or bringing the product back."""
        if self.exists(sku):
            product = Product.objects.get(pk=self.product_of[sku])
            if archived:
                product_archive(product=product)
            else:
                product_update(product=product, is_active=True)
            self.active[product.pk] = not archived

    @rule(sku=skus)
    def purge(self, sku: int) -> None:
        """A hard delete: refused while an order refers to the product, else it is gone."""
        if not self.exists(sku):
            return
        product_id = self.product_of[sku]
        product = Product.objects.get(pk=product_id)
        if product_id in self.ordered:
            with pytest.raises(StillReferenced):
                product_purge(product=product)
        else:
            product_purge(product=product)
            self.purged.add(product_id)

    # -- what must always hold ---------------------------------------------------------

    @invariant()
    def every_order_reads_exactly_as_bought(self) -> None:
        for order_id, expected in self.expected.items():
            response = self.client.get(f"/api/orders/{order_id}/")
            assert response.status_code == 200, said(
                f"GET /api/orders/{order_id}/ as its owner", response.status_code, 200
            )
            got = response.json()
            assert got == expected, said(
                f"read order #{order_id} after catalogue edits",
                *differences(flat(got), flat(expected)),
            )


class TestCatalogueEdits(django_test.TestCase):
    """Django's TestCase gives the state machine a database and one transaction.

    Each example (one machine run) is a savepoint inside it, which the machine
    opens in ``__init__`` and rolls back in ``teardown()``.
    ``hypothesis.extra.django.TestCase`` would not do that here: its per-example
    hooks run for ``@given`` methods, and a machine's runs are not one.
    The root conftest's "ci" profile is derandomized: the same runs every time.
    """

    def test_every_order_reads_exactly_as_bought_whatever_the_catalogue_does(self):
        run_state_machine_as_test(
            CatalogueEditsNeverChangeAnOrder,
            settings=hypothesis_settings(max_examples=25, stateful_step_count=15, deadline=None),
        )
