"""PATCH /api/carts/{id}/items/{item_id}/ {quantity} (api.md, Carts): set a line's quantity."""

import pytest

from shop.carts.models import CartItem
from testing.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db


def url(item) -> str:
    return f"/api/carts/{item.cart_id}/items/{item.pk}/"


@pytest.fixture
def item(cart):
    return CartItemFactory(cart=cart, sku__code="TEAPOT", quantity=3)


def quantity_of(item) -> int:
    return CartItem.objects.get(pk=item.pk).quantity


def test_the_owner_sets_the_quantity_and_gets_the_line_back(customer_client, item):
    response = customer_client.patch(url(item), {"quantity": 7})

    assert response.status_code == 200
    assert response.json() == {
        "id": item.pk,
        "sku_id": item.sku_id,
        "sku_code": "TEAPOT",
        "quantity": 7,
    }
    assert quantity_of(item) == 7


@pytest.mark.parametrize("quantity", [1, 1000])
def test_the_quantity_may_be_set_to_either_bound(customer_client, item, quantity):
    response = customer_client.patch(url(item), {"quantity": quantity})

    assert response.status_code == 200
    assert quantity_of(item) == quantity


def test_setting_the_quantity_replaces_it_rather_than_adding(customer_client, item):
    customer_client.patch(url(item), {"quantity": 2})

    assert quantity_of(item) == 2


def test_setting_one_line_leaves_the_others_alone(customer_client, item, cart):
    other = CartItemFactory(cart=cart, quantity=5)

    customer_client.patch(url(item), {"quantity": 9})

    assert quantity_of(other) == 5


# --- Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"quantity": 0},
        {"quantity": -1},
        {"quantity": 1001},
        {"quantity": "x"},
        {"quantity": None},
        {"quantity": 1.5},
        {},
    ],
    ids=["zero", "negative", "1001", "letters", "null", "fraction", "missing"],
)
def test_a_quantity_outside_1_to_1000_is_a_400_and_changes_nothing(customer_client, item, payload):
    response = customer_client.patch(url(item), payload)

    assert response.status_code == 400
    assert list(response.json()) == ["quantity"]
    assert quantity_of(item) == 3


def test_an_unknown_field_is_a_400_and_changes_nothing(customer_client, item):
    response = customer_client.patch(url(item), {"quantity": 5, "sku_id": 1})

    assert response.status_code == 400
    assert response.json() == {"sku_id": ["Unknown field."]}
    assert quantity_of(item) == 3


# --- Which line -----------------------------------------------------------------------------


def test_a_line_of_another_users_cart_is_a_404_and_changes_nothing(customer_client, stranger):
    theirs = CartItemFactory(cart=CartFactory(user=stranger), quantity=3)

    response = customer_client.patch(url(theirs), {"quantity": 7})

    assert response.status_code == 404
    assert response.json() == {"detail": "No such cart.", "code": "not_found"}
    assert quantity_of(theirs) == 3


def test_a_line_of_another_of_my_carts_is_a_404_through_this_cart(customer_client, cart, user):
    elsewhere = CartItemFactory(cart=CartFactory(user=user), quantity=3)

    response = customer_client.patch(f"/api/carts/{cart.pk}/items/{elsewhere.pk}/", {"quantity": 7})

    assert response.status_code == 404
    assert response.json() == {"detail": "No such item in this cart.", "code": "not_found"}
    assert quantity_of(elsewhere) == 3


def test_an_unknown_line_is_a_404(customer_client, cart):
    response = customer_client.patch(f"/api/carts/{cart.pk}/items/999999/", {"quantity": 1})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_anonymous_visitor_cannot_set_a_quantity(api_client, item):
    response = api_client.patch(url(item), {"quantity": 7})

    assert response.status_code == 401
    assert quantity_of(item) == 3
