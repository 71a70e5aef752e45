"""Carts in /admin/: staff can look into a customer's cart."""

import pytest

from testing.factories import CartItemFactory, UserFactory

pytestmark = pytest.mark.django_db

CARTS = "/admin/carts/cart/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


def test_the_cart_list_shows_each_cart_with_its_owner(admin_client):
    item = CartItemFactory(cart__user__email="tea@example.com")

    response = admin_client.get(CARTS)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [item.cart]
    assert b"tea@example.com" in response.content


def test_the_cart_list_searches_by_owner_email(admin_client):
    mine = CartItemFactory(cart__user__email="tea@example.com").cart
    CartItemFactory(cart__user__email="coffee@example.com")

    response = admin_client.get(CARTS, {"q": "tea@"})

    assert list(response.context["cl"].result_list) == [mine]


def test_a_cart_page_shows_its_lines_inline(admin_client):
    item = CartItemFactory(quantity=7)

    response = admin_client.get(f"{CARTS}{item.cart_id}/change/")

    assert response.status_code == 200
    [inline] = response.context["inline_admin_formsets"]
    assert [form.instance for form in inline.formset.forms] == [item]
