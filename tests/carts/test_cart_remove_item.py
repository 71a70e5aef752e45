"""DELETE /api/carts/{id}/items/{item_id}/ (api.md, Carts): remove a line."""

import pytest

from shop.carts.models import CartItem
from shop.products.models import SKU
from testing.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db


def url(item) -> str:
    return f"/api/carts/{item.cart_id}/items/{item.pk}/"


def test_the_owner_removes_a_line(customer_client, cart):
    item = CartItemFactory(cart=cart)

    response = customer_client.delete(url(item))

    assert response.status_code == 204
    assert response.content == b""
    assert not CartItem.objects.filter(pk=item.pk).exists()


def test_removing_a_line_keeps_the_other_lines_and_the_sku(customer_client, cart):
    item, kept = CartItemFactory.create_batch(2, cart=cart)

    customer_client.delete(url(item))

    assert list(CartItem.objects.all()) == [kept]
    assert SKU.objects.filter(pk=item.sku_id).exists(), "the SKU stays in the catalogue"


def test_a_removed_line_is_gone_from_the_cart(customer_client, cart):
    item = CartItemFactory(cart=cart)

    customer_client.delete(url(item))

    assert customer_client.get(f"/api/carts/{cart.pk}/").json()["items"] == []


def test_removing_a_line_twice_is_a_404_the_second_time(customer_client, cart):
    item = CartItemFactory(cart=cart)
    customer_client.delete(url(item))

    response = customer_client.delete(url(item))

    assert response.status_code == 404
    assert response.json() == {"detail": "No such item in this cart.", "code": "not_found"}


def test_a_line_of_another_users_cart_is_a_404_and_stays(customer_client, stranger):
    theirs = CartItemFactory(cart=CartFactory(user=stranger))

    response = customer_client.delete(url(theirs))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert CartItem.objects.filter(pk=theirs.pk).exists()


def test_a_line_of_another_of_my_carts_is_a_404_through_this_cart(customer_client, cart, user):
    elsewhere = CartItemFactory(cart=CartFactory(user=user))

    response = customer_client.delete(f"/api/carts/{cart.pk}/items/{elsewhere.pk}/")

    assert response.status_code == 404
    assert CartItem.objects.filter(pk=elsewhere.pk).exists()


def test_an_anonymous_visitor_cannot_remove_a_line(api_client, cart):
    item = CartItemFactory(cart=cart)

    response = api_client.delete(url(item))

    assert response.status_code == 401
    assert CartItem.objects.filter(pk=item.pk).exists()
