"""GET /api/products/{id}/ (api.md, Catalogue): one product with its SKUs."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from testing.factories import ProductFactory, SKUFactory

pytestmark = pytest.mark.django_db


def url(product_id) -> str:
    return f"/api/products/{product_id}/"


def test_a_product_has_the_contract_shape_with_its_skus(api_client):
    product = ProductFactory(
        name="Teapot",
        description="Holds a litre.",
        created_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
    )
    small = SKUFactory(product=product, code="TEA-S", price=Decimal("12.5"), stock=3)
    large = SKUFactory(product=product, code="TEA-L", price=Decimal("20"), stock=0)

    response = api_client.get(url(product.pk))

    assert response.status_code == 200
    assert response.json() == {
        "id": product.pk,
        "name": "Teapot",
        "description": "Holds a litre.",
        "is_active": True,
        "created_at": "2026-03-01T09:30:00Z",
        "skus": [
            {"id": small.pk, "code": "TEA-S", "price": "12.50", "stock": 3},
            {"id": large.pk, "code": "TEA-L", "price": "20.00", "stock": 0},
        ],
    }


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_an_archived_product_is_not_found_for_anyone_but_staff(api_client, customer_client, who):
    client = customer_client if who == "customer" else api_client
    product = ProductFactory(archived=True)

    response = client.get(url(product.pk))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_staff_see_an_archived_product_so_that_they_can_restore_it(staff_client):
    product = ProductFactory(archived=True)

    response = staff_client.get(url(product.pk))

    assert response.status_code == 200
    assert response.json()["is_active"] is False


@pytest.mark.parametrize("product_id", ["999999", "abc"])
def test_an_unknown_product_is_a_json_404(api_client, product_id):
    response = api_client.get(url(product_id))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_put_is_not_offered_patch_is(staff_client):
    product = ProductFactory()

    response = staff_client.put(url(product.pk), {"name": "Kettle"})

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
