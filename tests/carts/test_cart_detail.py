"""GET /api/carts/{id}/ (api.md, Carts): the owner's cart with its lines; anyone else's is a 404."""

import pytest

from testing.factories import CartFactory, CartItemFactory, SKUFactory

pytestmark = pytest.mark.django_db


def url(cart_id) -> str:
    return f"/api/carts/{cart_id}/"


def test_the_owner_sees_each_line_with_its_sku_code_in_the_order_added(customer_client, cart):
    kettle = CartItemFactory(cart=cart, sku=SKUFactory(code="KETTLE"), quantity=1)
    teapot = CartItemFactory(cart=cart, sku=SKUFactory(code="TEAPOT"), quantity=3)

    response = customer_client.get(url(cart.pk))

    assert response.status_code == 200
    assert response.json() == {
        "id": cart.pk,
        "items": [
            {"id": kettle.pk, "sku_id": kettle.sku_id, "sku_code": "KETTLE", "quantity": 1},
            {"id": teapot.pk, "sku_id": teapot.sku_id, "sku_code": "TEAPOT", "quantity": 3},
        ],
    }


def test_a_cart_shows_only_its_own_lines(customer_client, cart, user):
    CartItemFactory(cart=cart)
    CartItemFactory(cart=CartFactory(user=user))

    response = customer_client.get(url(cart.pk))

    assert [item["id"] for item in response.json()["items"]] == list(
        cart.items.values_list("id", flat=True)
    )


def test_another_users_cart_is_a_404_that_reveals_nothing(customer_client, stranger):
    theirs = CartFactory(user=stranger)
    CartItemFactory(cart=theirs, sku__code="SECRET")

    response = customer_client.get(url(theirs.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": "No such cart.", "code": "not_found"}


@pytest.mark.parametrize("cart_id", ["abc", "-1", "1.5"])
def test_a_cart_id_that_is_not_a_number_is_a_json_404(customer_client, cart_id):
    response = customer_client.get(url(cart_id))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_cart_id_beyond_the_id_range_is_a_404(customer_client):
    response = customer_client.get(url(2**63))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_anonymous_visitor_cannot_read_a_cart(api_client, cart):
    response = api_client.get(url(cart.pk))

    assert response.status_code == 401
