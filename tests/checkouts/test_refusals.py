"""Checkouts that are refused (api.md, Checkout): each answers its code and writes nothing.

Not your cart or no such cart: 404. An empty cart: 400 ``empty_cart``. Not
enough stock, or a product archived since it went into the cart: 409
``insufficient_stock`` naming the SKU, and neither stock, orders nor the cart change.
"""

import pytest

from shop.products.models import Product
from testing.factories import CartFactory, CartItemFactory, SKUFactory

pytestmark = pytest.mark.django_db


def test_another_users_cart_is_a_404_and_writes_nothing(customer_client, stranger, checkout, world):
    theirs = CartItemFactory(cart=CartFactory(user=stranger), quantity=2).cart
    before = world()

    response = checkout(customer_client, theirs.pk)

    assert response.status_code == 404
    assert response.json() == {"detail": "No such cart.", "code": "not_found"}
    assert world() == before


def test_an_unknown_cart_is_a_404(customer_client, checkout):
    response = checkout(customer_client, 999999)

    assert response.status_code == 404
    assert response.json() == {"detail": "No such cart.", "code": "not_found"}


def test_an_empty_cart_is_a_400(customer_client, cart, checkout, world):
    before = world()

    response = checkout(customer_client, cart.pk)

    assert response.status_code == 400
    assert response.json() == {"detail": "The cart is empty.", "code": "empty_cart"}
    assert world() == before


# --- Stock ------------------------------------------------------------------------------


def test_not_enough_stock_is_a_409_naming_the_sku(customer_client, cart, checkout):
    CartItemFactory(cart=cart, sku=SKUFactory(code="TEAPOT", stock=2), quantity=3)

    response = checkout(customer_client, cart.pk)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Not enough stock for TEAPOT.",
        "code": "insufficient_stock",
    }


def test_not_enough_stock_writes_nothing(customer_client, cart, checkout, world):
    CartItemFactory(cart=cart, sku=SKUFactory(stock=2), quantity=3)
    before = world()

    checkout(customer_client, cart.pk)

    assert world() == before


def test_one_short_line_stops_the_whole_order_and_the_other_lines_keep_their_stock(
    customer_client, cart, checkout, world
):
    CartItemFactory(cart=cart, sku=SKUFactory(code="PLENTY", stock=50), quantity=1)
    CartItemFactory(cart=cart, sku=SKUFactory(code="SHORT", stock=0), quantity=1)
    CartItemFactory(cart=cart, sku=SKUFactory(code="ALSO-PLENTY", stock=50), quantity=1)
    before = world()

    response = checkout(customer_client, cart.pk)

    assert response.json()["detail"] == "Not enough stock for SHORT."
    assert world() == before


def test_a_sku_sold_out_since_it_went_into_the_cart_is_a_409(customer_client, cart, checkout):
    sku = SKUFactory(code="TEAPOT", stock=3)
    customer_client.post(f"/api/carts/{cart.pk}/items/", {"sku_id": sku.pk, "quantity": 1})
    sku.stock = 0
    sku.save()

    response = checkout(customer_client, cart.pk)

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"


def test_a_product_archived_since_it_went_into_the_cart_is_a_409_naming_its_sku(
    customer_client, cart, checkout, world
):
    CartItemFactory(cart=cart, sku=SKUFactory(code="PLENTY", stock=50))
    archived = CartItemFactory(cart=cart, sku=SKUFactory(code="OLD-KETTLE", stock=50)).sku
    Product.objects.filter(pk=archived.product_id).update(is_active=False)
    before = world()

    response = checkout(customer_client, cart.pk)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Not enough stock for OLD-KETTLE.",
        "code": "insufficient_stock",
    }
    assert world() == before
