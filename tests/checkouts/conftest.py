"""Fixtures for the checkout tests: the request itself, and what it may change."""

import pytest

from shop.carts.models import CartItem
from shop.orders.models import Order, OrderItem
from shop.products.models import SKU


@pytest.fixture
def checkout():
    """``checkout(client, cart_id, key=None)``: POST /api/checkouts/, with an Idempotency-Key if given."""

    def post(client, cart_id, key: str | None = None):
        headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
        return client.post("/api/checkouts/", {"cart_id": cart_id}, **headers)

    return post


@pytest.fixture
def world():
    """``world()``: what a checkout may change, for "nothing changed" assertions.

    Every SKU's stock, every order with its items, and every cart line.
    """

    def snapshot() -> dict:
        return {
            "stock": dict(SKU.objects.values_list("pk", "stock")),
            "orders": list(Order.objects.order_by("pk").values_list("pk", "user_id", "total")),
            "order_items": OrderItem.objects.count(),
            "cart_lines": list(
                CartItem.objects.order_by("pk").values_list("cart_id", "sku_id", "quantity")
            ),
        }

    return snapshot
