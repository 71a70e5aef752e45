"""GET /api/orders/{id}/ (api.md, Orders): the order with its items; anyone else's is a 404."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from testing.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db


def url(order_id) -> str:
    return f"/api/orders/{order_id}/"


def test_the_owner_sees_the_order_with_its_items(customer_client, user):
    order = OrderFactory(
        user=user, created_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC), total=Decimal("34.99")
    )
    teapot = OrderItemFactory(
        order=order,
        product_name="Teapot",
        sku_code="TEAPOT",
        unit_price=Decimal("12.5"),
        quantity=2,
        line_total=Decimal("25"),
    )
    cups = OrderItemFactory(
        order=order,
        product_name="Cups",
        sku_code="CUP-6",
        unit_price=Decimal("3.33"),
        quantity=3,
        line_total=Decimal("9.99"),
    )

    response = customer_client.get(url(order.pk))

    assert response.status_code == 200
    assert response.json() == {
        "id": order.pk,
        "status": "placed",
        "created_at": "2025-03-01T09:30:00Z",
        "total": "34.99",
        "items": [
            {
                "sku_id": teapot.sku_id,
                "product_name": "Teapot",
                "sku_code": "TEAPOT",
                "unit_price": "12.50",
                "quantity": 2,
                "line_total": "25.00",
            },
            {
                "sku_id": cups.sku_id,
                "product_name": "Cups",
                "sku_code": "CUP-6",
                "unit_price": "3.33",
                "quantity": 3,
                "line_total": "9.99",
            },
        ],
    }


def test_the_detail_keeps_the_idempotency_key_to_itself(customer_client, user):
    order = OrderFactory(user=user, idempotency_key="secret-key", request_fingerprint="f" * 64)

    body = customer_client.get(url(order.pk)).content.decode()

    assert "secret-key" not in body
    assert "f" * 64 not in body


def test_another_users_order_is_a_404(customer_client, stranger):
    theirs = OrderItemFactory(order__user=stranger, sku_code="SECRET").order

    response = customer_client.get(url(theirs.pk))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert b"SECRET" not in response.content


def test_another_users_order_answers_exactly_like_an_unknown_one(customer_client, stranger):
    theirs = OrderFactory(user=stranger)

    foreign = customer_client.get(url(theirs.pk))
    unknown = customer_client.get(url(theirs.pk + 1000))

    assert (foreign.status_code, foreign.json()) == (unknown.status_code, unknown.json())


def test_staff_cannot_read_a_customers_order_through_the_api(staff_client, stranger):
    theirs = OrderFactory(user=stranger)

    assert staff_client.get(url(theirs.pk)).status_code == 404


@pytest.mark.parametrize("order_id", ["abc", "-1", str(2**63)])
def test_an_order_id_that_is_not_an_id_is_a_json_404(customer_client, order_id):
    response = customer_client.get(url(order_id))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_anonymous_visitor_cannot_read_an_order(api_client):
    order = OrderFactory()

    response = api_client.get(url(order.pk))

    assert response.status_code == 401
