"""PATCH /api/products/{id}/ (api.md, Catalogue): staff rename, describe, archive, restore."""

import json

import pytest

from shop.products.models import SKU
from testing.factories import ProductFactory

pytestmark = pytest.mark.django_db


def url(product_id) -> str:
    return f"/api/products/{product_id}/"


# --- Success ------------------------------------------------------------------------


def test_staff_rename_a_product_and_get_it_back_whole(staff_client):
    product = ProductFactory(name="Teapot", skus=2)

    response = staff_client.patch(url(product.pk), {"name": "Big teapot"})

    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["name"], len(data["skus"])) == (product.pk, "Big teapot", 2)
    product.refresh_from_db()
    assert product.name == "Big teapot"


def test_staff_change_the_description_and_nothing_else(staff_client):
    product = ProductFactory(name="Teapot", description="Old.")

    staff_client.patch(url(product.pk), {"description": "Holds a litre."})

    product.refresh_from_db()
    assert (product.name, product.description) == ("Teapot", "Holds a litre.")


def test_is_active_true_restores_an_archived_product_to_the_catalogue(
    staff_client, api_client, listed_names
):
    product = ProductFactory(name="Teapot", archived=True)

    response = staff_client.patch(url(product.pk), {"is_active": True})

    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert listed_names(api_client) == ["Teapot"]


def test_is_active_false_archives_a_product(staff_client, api_client, listed_names):
    product = ProductFactory(name="Teapot")

    response = staff_client.patch(url(product.pk), {"is_active": False})

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert listed_names(api_client) == []


def test_an_empty_patch_changes_nothing(staff_client):
    product = ProductFactory(name="Teapot")

    response = staff_client.patch(url(product.pk), {})

    assert response.status_code == 200
    assert response.json()["name"] == "Teapot"


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"colour": "blue"}, "colour"),
        ({"id": 999}, "id"),
        ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"is_active": "maybe"}, "is_active"),
    ],
    ids=["unknown", "id", "created_at", "blank-name", "null-name", "long-name", "bad-flag"],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(staff_client, payload, field):
    product = ProductFactory(name="Teapot")

    response = staff_client.patch(url(product.pk), payload)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    product.refresh_from_db()
    assert (product.name, product.is_active) == ("Teapot", True)


def test_skus_cannot_be_changed_through_the_product(staff_client):
    """SKUs change through PATCH /api/skus/{id}/; here they are refused, not ignored."""
    product = ProductFactory(skus=1)
    sku = product.skus.get()

    response = staff_client.patch(
        url(product.pk), {"skus": [{"id": sku.pk, "code": sku.code, "price": "1.00", "stock": 0}]}
    )

    assert response.status_code == 400
    assert response.json() == {"skus": ["Unknown field."]}
    assert SKU.objects.get().price == sku.price


@pytest.mark.parametrize("payload", [[], "Teapot", None], ids=["list", "string", "null"])
def test_a_body_that_is_not_an_object_is_a_400(staff_client, payload):
    product = ProductFactory(name="Teapot")

    response = staff_client.patch(
        url(product.pk), json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()


# --- Who may update -----------------------------------------------------------------


def test_an_anonymous_visitor_cannot_update_a_product(api_client):
    product = ProductFactory(name="Teapot")

    response = api_client.patch(url(product.pk), {"name": "Mine"})

    assert response.status_code == 401
    product.refresh_from_db()
    assert product.name == "Teapot"


def test_a_customer_cannot_update_a_product(customer_client):
    product = ProductFactory(name="Teapot")

    response = customer_client.patch(url(product.pk), {"name": "Mine"})

    assert response.status_code == 403
    product.refresh_from_db()
    assert product.name == "Teapot"


def test_updating_an_unknown_product_is_a_json_404(staff_client):
    response = staff_client.patch(url(999999), {"name": "Ghost"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
