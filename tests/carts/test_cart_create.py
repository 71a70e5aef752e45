"""POST /api/carts/ (api.md, Carts): a new, empty cart owned by the caller."""

import pytest

from shop.carts.models import Cart

pytestmark = pytest.mark.django_db


def test_a_customer_gets_a_new_empty_cart(customer_client, user):
    response = customer_client.post("/api/carts/")

    assert response.status_code == 201
    cart = Cart.objects.get()
    assert response.json() == {"id": cart.pk, "items": []}
    assert cart.user == user


def test_each_post_makes_another_cart(customer_client):
    first = customer_client.post("/api/carts/").json()["id"]
    second = customer_client.post("/api/carts/").json()["id"]

    assert first != second
    assert Cart.objects.count() == 2


def test_a_new_cart_can_be_read_back_by_its_owner(customer_client):
    cart_id = customer_client.post("/api/carts/").json()["id"]

    response = customer_client.get(f"/api/carts/{cart_id}/")

    assert response.status_code == 200
    assert response.json() == {"id": cart_id, "items": []}


def test_an_anonymous_visitor_cannot_create_a_cart(api_client):
    response = api_client.post("/api/carts/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Cart.objects.exists()
