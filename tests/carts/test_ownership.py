"""Another user's cart is a 404 on every endpoint, identical to a missing cart (api.md, Conventions).

Each request is one a customer might well send about their own cart; sent
about someone else's, it must neither reveal the cart nor change it.
"""

import pytest

from shop.carts.models import Cart, CartItem
from shop.orders.models import Order
from testing.factories import CartFactory, CartItemFactory, SKUFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_item(stranger):
    return CartItemFactory(cart=CartFactory(user=stranger), quantity=3)


def requests_about(item, sku) -> dict[str, tuple[str, str, dict | None]]:
    cart = f"/api/carts/{item.cart_id}/"
    return {
        "read": ("get", cart, None),
        "add": ("post", f"{cart}items/", {"sku_id": sku.pk, "quantity": 1}),
        "add-same-sku": ("post", f"{cart}items/", {"sku_id": item.sku_id, "quantity": 1}),
        "set-quantity": ("patch", f"{cart}items/{item.pk}/", {"quantity": 7}),
        "bad-quantity": ("patch", f"{cart}items/{item.pk}/", {"quantity": 0}),
        "remove": ("delete", f"{cart}items/{item.pk}/", None),
        "checkout": ("post", "/api/checkouts/", {"cart_id": item.cart_id}),
    }


ENDPOINTS = ["read", "add", "add-same-sku", "set-quantity", "bad-quantity", "remove", "checkout"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_users_cart_is_a_404_and_stays_as_it_was(customer_client, their_item, endpoint):
    method, path, body = requests_about(their_item, SKUFactory())[endpoint]

    response = getattr(customer_client, method)(path, body)

    # A body invalid for any cart is refused before the cart is looked up: 400 for
    # a foreign, a missing or one's own cart alike, so it reveals nothing either.
    expected = (400, "quantity") if endpoint == "bad-quantity" else (404, "code")
    assert response.status_code == expected[0], (
        f"{method.upper()} {path} answered {response.status_code}, expected {expected[0]}"
    )
    assert expected[1] in response.json()
    assert list(CartItem.objects.values_list("cart_id", "sku_id", "quantity")) == [
        (their_item.cart_id, their_item.sku_id, 3)
    ]
    assert Cart.objects.count() == 1
    assert not Order.objects.exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_users_cart_answers_like_a_cart_that_does_not_exist(
    customer_client, their_item, endpoint
):
    sku = SKUFactory()
    method, path, body = requests_about(their_item, sku)[endpoint]
    missing = CartItem(pk=their_item.pk, cart_id=their_item.cart_id + 1000, sku=their_item.sku)
    _, missing_path, missing_body = requests_about(missing, sku)[endpoint]

    foreign = getattr(customer_client, method)(path, body)
    unknown = getattr(customer_client, method)(missing_path, missing_body)

    assert (foreign.status_code, foreign.json()) == (unknown.status_code, unknown.json())
