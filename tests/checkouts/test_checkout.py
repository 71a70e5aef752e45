"""POST /api/checkouts/ {cart_id} (api.md, Checkout; pattern 08): the cart becomes an order.

201 with the order; each SKU's stock goes down by what was bought; the cart is
emptied (and can be filled again); money is a string with two places.
"""

from decimal import Decimal

import pytest

from shop.carts.models import Cart, CartItem
from shop.orders.models import Order
from shop.products.models import SKU
from testing.factories import CartItemFactory, SKUFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teapot(db):
    return SKUFactory(code="TEAPOT", price=Decimal("12.50"), stock=5, product__name="Teapot")


@pytest.fixture
def cups(db):
    return SKUFactory(code="CUP-6", price=Decimal("3.33"), stock=10, product__name="Cups")


@pytest.fixture
def full_cart(cart, teapot, cups):
    """Two teapots and three packs of cups: 25.00 + 9.99."""
    CartItemFactory(cart=cart, sku=cups, quantity=3)
    CartItemFactory(cart=cart, sku=teapot, quantity=2)
    return cart


def stock_of(sku) -> int:
    return SKU.objects.get(pk=sku.pk).stock


def test_a_checkout_answers_201_with_the_order(customer_client, full_cart, checkout, teapot, cups):
    response = checkout(customer_client, full_cart.pk)

    assert response.status_code == 201
    order = Order.objects.get()
    body = response.json()
    assert body == {
        "id": order.pk,
        "status": "placed",
        "created_at": body["created_at"],
        "total": "34.99",
        "items": [
            {
                "sku_id": teapot.pk,
                "product_name": "Teapot",
                "sku_code": "TEAPOT",
                "unit_price": "12.50",
                "quantity": 2,
                "line_total": "25.00",
            },
            {
                "sku_id": cups.pk,
                "product_name": "Cups",
                "sku_code": "CUP-6",
                "unit_price": "3.33",
                "quantity": 3,
                "line_total": "9.99",
            },
        ],
    }


def test_the_order_records_when_it_was_placed(customer_client, full_cart, checkout):
    response = checkout(customer_client, full_cart.pk)

    order = Order.objects.get()
    assert response.json()["created_at"] == order.created_at.isoformat().replace("+00:00", "Z")


def test_the_total_is_the_sum_of_the_line_totals(customer_client, cart, checkout):
    for price, quantity in [("0.10", 3), ("19.99", 7), ("1000.00", 1000)]:
        CartItemFactory(cart=cart, sku__price=Decimal(price), sku__stock=1000, quantity=quantity)

    body = checkout(customer_client, cart.pk).json()

    assert body["total"] == "1000140.23"
    assert body["total"] == str(sum(Decimal(item["line_total"]) for item in body["items"]))


def test_whole_prices_are_money_strings_with_two_places(customer_client, cart, checkout):
    CartItemFactory(cart=cart, sku__price=Decimal("7"), quantity=2)

    body = checkout(customer_client, cart.pk).json()

    assert (body["total"], body["items"][0]["unit_price"], body["items"][0]["line_total"]) == (
        "14.00",
        "7.00",
        "14.00",
    )


def test_the_order_is_the_callers(customer_client, full_cart, checkout, user):
    checkout(customer_client, full_cart.pk)

    assert Order.objects.get().user == user


def test_the_order_answered_is_the_one_the_orders_api_shows(customer_client, full_cart, checkout):
    placed = checkout(customer_client, full_cart.pk).json()

    assert customer_client.get(f"/api/orders/{placed['id']}/").json() == placed


def test_each_sku_loses_the_quantity_bought(customer_client, full_cart, checkout, teapot, cups):
    checkout(customer_client, full_cart.pk)

    assert (stock_of(teapot), stock_of(cups)) == (3, 7)


def test_the_last_units_in_stock_can_be_bought(customer_client, cart, checkout, teapot):
    CartItemFactory(cart=cart, sku=teapot, quantity=5)

    response = checkout(customer_client, cart.pk)

    assert response.status_code == 201
    assert stock_of(teapot) == 0


def test_skus_not_in_the_cart_keep_their_stock(customer_client, full_cart, checkout):
    elsewhere = SKUFactory(stock=4)

    checkout(customer_client, full_cart.pk)

    assert stock_of(elsewhere) == 4


def test_the_cart_is_emptied_but_kept(customer_client, full_cart, checkout):
    checkout(customer_client, full_cart.pk)

    assert Cart.objects.filter(pk=full_cart.pk).exists()
    assert not CartItem.objects.filter(cart=full_cart).exists()
    assert customer_client.get(f"/api/carts/{full_cart.pk}/").json()["items"] == []


def test_the_callers_other_carts_are_left_alone(customer_client, full_cart, checkout, teapot):
    other = CartItemFactory(cart__user=full_cart.user, sku=teapot, quantity=1)

    checkout(customer_client, full_cart.pk)

    assert CartItem.objects.get(pk=other.pk).quantity == 1


def test_an_emptied_cart_can_be_filled_and_checked_out_again(
    customer_client, full_cart, checkout, teapot
):
    first = checkout(customer_client, full_cart.pk).json()
    customer_client.post(f"/api/carts/{full_cart.pk}/items/", {"sku_id": teapot.pk, "quantity": 1})

    second = checkout(customer_client, full_cart.pk)

    assert second.status_code == 201
    assert second.json()["id"] != first["id"]
    assert second.json()["total"] == "12.50"
    assert stock_of(teapot) == 2


def test_a_checkout_without_a_key_is_not_marked_as_a_replay(customer_client, full_cart, checkout):
    response = checkout(customer_client, full_cart.pk)

    assert "Idempotent-Replayed" not in response


# --- Orders too large for the money columns (numeric(12, 2)) --------------------------------

LARGEST_PRICE = Decimal("9999999999.99")  # the largest price PATCH /api/skus/ accepts


@pytest.fixture
def huge_cart(cart):
    CartItemFactory(cart=cart, sku__price=LARGEST_PRICE, sku__stock=10, quantity=2)
    return cart


def test_an_order_too_large_for_the_total_column_is_not_a_500(customer_client, huge_cart, checkout):
    customer_client.raise_request_exception = False

    response = checkout(customer_client, huge_cart.pk)

    assert response.status_code < 500, (
        f"checking out 2 x {LARGEST_PRICE} answered {response.status_code}: "
        "the line total 19999999999.98 does not fit numeric(12, 2); expected a 4xx "
        "(or an order that stores it)"
    )


def test_an_order_too_large_for_the_total_column_leaves_the_order_list_readable(
    customer_client, huge_cart, checkout
):
    customer_client.raise_request_exception = False
    checkout(customer_client, huge_cart.pk)

    response = customer_client.get("/api/orders/")

    assert response.status_code == 200, (
        f"after a too-large checkout, GET /api/orders/ answered {response.status_code}: "
        "an order that cannot be read back was written"
    )


# --- A failure after the order INSERT ---------------------------------------------------------


class InjectedFailure(Exception):
    pass


@pytest.mark.django_db(transaction=True)  # the real COMMIT: the email leaves only after one
def test_a_failure_after_the_order_insert_rolls_everything_back_and_leaves_the_key_free(
    customer_client, full_cart, checkout, teapot, cups, monkeypatch, mailoutbox
):
    def fail(**kwargs):
        raise InjectedFailure("the database went away after the order was inserted")

    monkeypatch.setattr("shop.checkouts.services.skus_take_stock", fail)
    with pytest.raises(InjectedFailure):
        checkout(customer_client, full_cart.pk, "retry-1")

    written = (Order.objects.count(), stock_of(teapot), stock_of(cups), len(mailoutbox))
    assert written == (0, 5, 10, 0), "(orders, stock, stock, emails) after a failed checkout"
    assert full_cart.items.count() == 2, "the cart was emptied by a checkout that failed"

    monkeypatch.undo()
    response = checkout(customer_client, full_cart.pk, "retry-1")
    assert response.status_code == 201, "the key was used up by a checkout that never happened"
    assert len(mailoutbox) == 1
