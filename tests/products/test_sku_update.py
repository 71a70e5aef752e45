"""PATCH /api/skus/{id}/ {price?, stock?} (api.md, Catalogue): staff edit a SKU."""

import json
from decimal import Decimal

import pytest

from testing.factories import SKUFactory

pytestmark = pytest.mark.django_db


def url(sku_id) -> str:
    return f"/api/skus/{sku_id}/"


@pytest.fixture
def sku(db):
    return SKUFactory(code="TEA-S", price=Decimal("12.50"), stock=3)


def price_and_stock(sku) -> tuple[Decimal, int]:
    sku.refresh_from_db()
    return sku.price, sku.stock


# --- Success ------------------------------------------------------------------------


def test_staff_set_price_and_stock_and_get_the_sku_back(staff_client, sku):
    response = staff_client.patch(url(sku.pk), {"price": "9.9", "stock": 7})

    assert response.status_code == 200
    assert response.json() == {"id": sku.pk, "code": "TEA-S", "price": "9.90", "stock": 7}
    assert price_and_stock(sku) == (Decimal("9.90"), 7)


def test_a_new_price_leaves_the_stock_alone(staff_client, sku):
    staff_client.patch(url(sku.pk), {"price": "15.00"})

    assert price_and_stock(sku) == (Decimal("15.00"), 3)


def test_a_new_stock_leaves_the_price_alone(staff_client, sku):
    staff_client.patch(url(sku.pk), {"stock": 40})

    assert price_and_stock(sku) == (Decimal("12.50"), 40)


def test_stock_and_price_can_be_set_to_zero(staff_client, sku):
    response = staff_client.patch(url(sku.pk), {"price": "0", "stock": 0})

    assert response.json()["price"] == "0.00"
    assert price_and_stock(sku) == (Decimal("0.00"), 0)


def test_an_empty_patch_changes_nothing(staff_client, sku):
    response = staff_client.patch(url(sku.pk), {})

    assert response.status_code == 200
    assert price_and_stock(sku) == (Decimal("12.50"), 3)


def test_staff_edit_a_sku_of_an_archived_product(staff_client):
    sku = SKUFactory(product__archived=True, stock=3)

    response = staff_client.patch(url(sku.pk), {"stock": 4})

    assert response.status_code == 200
    assert price_and_stock(sku)[1] == 4


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"stock": -1}, "stock"),
        ({"price": "-0.01"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "1.234"}, "price"),
        ({"price": "12345678901.00"}, "price"),
        ({"price": None}, "price"),
        ({"stock": "many"}, "stock"),
        ({"stock": 2.5}, "stock"),
        ({"stock": None}, "stock"),
        ({"stok": 5}, "stok"),
        ({"code": "NEW"}, "code"),
    ],
    ids=[
        "negative-stock",
        "negative-price",
        "price-abc",
        "price-3-decimals",
        "price-over-12-digits",
        "null-price",
        "stock-many",
        "stock-fraction",
        "null-stock",
        "unknown-field",
        "code-is-not-editable",
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(staff_client, sku, payload, field):
    response = staff_client.patch(url(sku.pk), payload)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    sku.refresh_from_db()
    assert (sku.code, sku.price, sku.stock) == ("TEA-S", Decimal("12.50"), 3)


def test_a_valid_field_beside_a_bad_one_is_not_applied(staff_client, sku):
    response = staff_client.patch(url(sku.pk), {"price": "1.00", "stock": -5})

    assert response.status_code == 400
    assert price_and_stock(sku) == (Decimal("12.50"), 3)


@pytest.mark.parametrize("payload", [[], "7", None], ids=["list", "string", "null"])
def test_a_body_that_is_not_an_object_is_a_400(staff_client, sku, payload):
    response = staff_client.patch(url(sku.pk), json.dumps(payload), content_type="application/json")

    assert response.status_code == 400
    assert price_and_stock(sku) == (Decimal("12.50"), 3)


# --- Who may edit, and how -----------------------------------------------------------------


def test_an_anonymous_visitor_cannot_edit_a_sku(api_client, sku):
    response = api_client.patch(url(sku.pk), {"stock": 0})

    assert response.status_code == 401
    assert price_and_stock(sku)[1] == 3


def test_a_customer_cannot_edit_a_sku(customer_client, sku):
    response = customer_client.patch(url(sku.pk), {"stock": 0})

    assert response.status_code == 403
    assert price_and_stock(sku)[1] == 3


def test_editing_an_unknown_sku_is_a_json_404(staff_client):
    response = staff_client.patch(url(999999), {"stock": 1})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("method", ["get", "put", "delete", "post"])
def test_a_sku_offers_patch_only(staff_client, sku, method):
    response = getattr(staff_client, method)(url(sku.pk), {"stock": 0})

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert price_and_stock(sku)[1] == 3


def test_there_is_no_list_of_skus(staff_client):
    response = staff_client.get("/api/skus/")

    assert response.status_code == 404


@pytest.mark.parametrize("price", ["-0", "-0.00"])
def test_a_price_of_minus_zero_is_answered_as_the_zero_that_is_stored(staff_client, sku, price):
    response = staff_client.patch(url(sku.pk), {"price": price})

    assert price_and_stock(sku)[0] == Decimal("0.00")
    assert response.json()["price"] == "0.00", (
        f"PATCH {url(sku.pk)} {{'price': {price!r}}} answered price "
        f"{response.json()['price']!r}, but the database holds 0.00: the answer is built "
        "from the unsaved Decimal, not from what was stored"
    )
