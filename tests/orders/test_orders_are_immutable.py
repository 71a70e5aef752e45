"""PUT, PATCH, DELETE (and POST) on orders answer 405 (api.md, Orders): an order is a record."""

from decimal import Decimal

import pytest

from shop.orders.models import Order, OrderItem
from testing.factories import OrderItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(user):
    return OrderItemFactory(order__user=user, order__total=Decimal("12.50"), quantity=1)


def order_row(order) -> tuple:
    return Order.objects.filter(pk=order.pk).values_list("status", "total").first()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_writing_to_your_order_is_a_405_and_changes_nothing(customer_client, item, method):
    before = order_row(item.order)

    response = getattr(customer_client, method)(
        f"/api/orders/{item.order_id}/", {"status": "cancelled", "total": "0.00"}
    )

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert order_row(item.order) == before
    assert OrderItem.objects.filter(pk=item.pk, quantity=1).exists()


def test_posting_an_order_directly_is_a_405(customer_client, item):
    response = customer_client.post("/api/orders/", {"total": "0.00"})

    assert response.status_code == 405
    assert Order.objects.count() == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_an_anonymous_visitor_is_told_to_authenticate_first(api_client, item, method):
    response = getattr(api_client, method)(f"/api/orders/{item.order_id}/", {})

    assert response.status_code == 401
    assert order_row(item.order) is not None


def test_an_order_lists_get_among_its_allowed_methods(customer_client, item):
    response = customer_client.delete(f"/api/orders/{item.order_id}/")

    assert "GET" in response["Allow"]
    assert "DELETE" not in response["Allow"]
