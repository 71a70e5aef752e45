"""POST /api/products/ {name, description, skus: [{code, price, stock}]} (api.md, Catalogue).

Staff only. Bad input gets a 4xx JSON answer and writes nothing: no product, no SKU.
"""

import json
from decimal import Decimal

import pytest
from django.db import IntegrityError

from shop.products import services
from shop.products.models import SKU, Product
from shop.products.serializers import MAX_SKUS_PER_PRODUCT
from testing.factories import SKUFactory

pytestmark = pytest.mark.django_db

URL = "/api/products/"


def sku(code: str = "TEA-S", price="12.50", stock=3, **extra) -> dict:
    return {"code": code, "price": price, "stock": stock, **extra}


def body(**changes) -> dict:
    """A valid body, with ``changes`` applied."""
    return {"name": "Teapot", "description": "Holds a litre.", "skus": [sku()], **changes}


@pytest.fixture
def create(staff_client):
    """``create(body)``: POST the body as JSON, as staff."""

    def post(payload):
        raw = payload if isinstance(payload, str | bytes) else json.dumps(payload)
        return staff_client.post(URL, raw, content_type="application/json")

    return post


def catalogue() -> tuple[int, int]:
    return Product.objects.count(), SKU.objects.count()


# --- Success ------------------------------------------------------------------------


def test_staff_create_a_product_with_its_skus(create):
    response = create(body(skus=[sku("TEA-S", "12.5", 3), sku("TEA-L", "20", 0)]))

    assert response.status_code == 201
    product = Product.objects.get()
    data = response.json()
    assert data["id"] == product.pk
    assert (data["name"], data["description"], data["is_active"]) == (
        "Teapot",
        "Holds a litre.",
        True,
    )
    assert [(s["code"], s["price"], s["stock"]) for s in data["skus"]] == [
        ("TEA-S", "12.50", 3),
        ("TEA-L", "20.00", 0),
    ]
    assert [s["id"] for s in data["skus"]] == list(product.skus.values_list("id", flat=True))


def test_the_created_product_is_in_the_catalogue(create, api_client):
    product_id = create(body()).json()["id"]

    assert api_client.get(f"/api/products/{product_id}/").json()["name"] == "Teapot"


def test_the_description_is_optional(create):
    payload = body()
    del payload["description"]

    response = create(payload)

    assert response.status_code == 201
    assert response.json()["description"] == ""


@pytest.mark.parametrize("price", ["12.5", 12.5, "12.50", " 12.5 "], ids=repr)
def test_a_price_may_be_sent_as_a_string_or_a_number_and_is_answered_as_a_string(create, price):
    response = create(body(skus=[sku(price=price)]))

    assert response.status_code == 201
    assert response.json()["skus"][0]["price"] == "12.50"
    assert SKU.objects.get().price == Decimal("12.50")


@pytest.mark.parametrize(
    "name", ["Théière 🫖", "急須", "🫖" * 200], ids=["emoji", "cjk", "200-emoji"]
)
def test_unicode_names_are_kept_as_sent(create, name):
    response = create(body(name=name))

    assert response.status_code == 201
    assert Product.objects.get().name == name


def test_a_product_and_its_skus_are_created_all_or_nothing():
    """The service's transaction: a SKU the database refuses undoes the product too."""
    with pytest.raises(IntegrityError):
        services.product_create(name="Teapot", skus=[sku("SAME"), sku("SAME")])

    assert catalogue() == (0, 0)


def test_a_sku_code_taken_after_validation_answers_409_and_creates_nothing(create, monkeypatch):
    """Two requests race for one code: validation passed, the unique index refuses."""
    real_create = services.product_create

    def create_after_a_rival(**fields):
        SKUFactory(code="TEA-S")  # the rival commits between our check and our insert
        return real_create(**fields)

    monkeypatch.setattr(services, "product_create", create_after_a_rival)

    response = create(body(name="Ours"))

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert not Product.objects.filter(name="Ours").exists()


# --- Who may create ----------------------------------------------------------------------


def test_an_anonymous_visitor_cannot_create_a_product(api_client):
    response = api_client.post(URL, body())

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert catalogue() == (0, 0)


def test_a_customer_cannot_create_a_product(customer_client):
    response = customer_client.post(URL, body())

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert catalogue() == (0, 0)


# --- Bad input: 400, the field named, nothing written ------------------------------------------

BAD_BODIES = {
    "missing-name": ({k: v for k, v in body().items() if k != "name"}, {"name"}),
    "blank-name": (body(name="   "), {"name"}),
    "null-name": (body(name=None), {"name"}),
    "name-over-200": (body(name="x" * 201), {"name"}),
    "name-nul-char": (body(name="Tea\x00pot"), {"name"}),
    "name-lone-surrogate": (body(name="Tea\ud800pot"), {"name"}),
    "description-lone-surrogate": (body(description="\udfff"), {"description"}),
    "missing-skus": ({"name": "Teapot"}, {"skus"}),
    "empty-skus": (body(skus=[]), {"skus"}),
    "too-many-skus": (
        body(skus=[sku(f"C{n}") for n in range(MAX_SKUS_PER_PRODUCT + 1)]),
        {"skus"},
    ),
    "skus-a-dict": (body(skus={"code": "TEA-S", "price": "1.00", "stock": 1}), {"skus"}),
    "skus-a-string": (body(skus="TEA-S"), {"skus"}),
    "sku-a-string": (body(skus=["TEA-S"]), {"skus"}),
    "negative-stock": (body(skus=[sku(stock=-1)]), {"skus"}),
    "stock-many": (body(skus=[sku(stock="many")]), {"skus"}),
    "stock-fraction": (body(skus=[sku(stock=2.5)]), {"skus"}),
    "stock-huge": (body(skus=[sku(stock=10**12)]), {"skus"}),
    "missing-stock": (body(skus=[{"code": "TEA-S", "price": "1.00"}]), {"skus"}),
    "negative-price": (body(skus=[sku(price="-0.01")]), {"skus"}),
    "price-abc": (body(skus=[sku(price="abc")]), {"skus"}),
    "price-nan": (body(skus=[sku(price="NaN")]), {"skus"}),
    "price-infinity": (body(skus=[sku(price="Infinity")]), {"skus"}),
    "price-3-decimals": (body(skus=[sku(price="1.234")]), {"skus"}),
    "price-over-12-digits": (body(skus=[sku(price="12345678901.00")]), {"skus"}),
    "price-huge": (body(skus=[sku(price="1e20")]), {"skus"}),
    "price-bool": (body(skus=[sku(price=True)]), {"skus"}),
    "missing-price": (body(skus=[{"code": "TEA-S", "stock": 1}]), {"skus"}),
    "blank-code": (body(skus=[sku(code="")]), {"skus"}),
    "code-over-64": (body(skus=[sku(code="C" * 65)]), {"skus"}),
    "code-lone-surrogate": (body(skus=[sku(code="TEA\ud800")]), {"skus"}),
    "duplicate-code": (body(skus=[sku("TEA-S"), sku("TEA-S")]), {"skus"}),
    "duplicate-code-after-trimming": (body(skus=[sku("TEA-S"), sku(" TEA-S ")]), {"skus"}),
    "unknown-field": (body(colour="blue"), {"colour"}),
    "unknown-sku-field": (body(skus=[sku(colour="blue")]), {"skus"}),
    "a-list": ([body()], {"non_field_errors"}),
    "a-string": ("Teapot", {"non_field_errors"}),
    "null": (None, {"non_field_errors"}),
}


@pytest.mark.parametrize(("payload", "fields"), BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(create, payload, fields):
    response = create(json.dumps(payload))

    assert response.status_code == 400, response.content[:500]
    assert set(response.json()) == fields
    assert catalogue() == (0, 0)


def test_an_unknown_field_is_named_as_unknown(create):
    response = create(body(colour="blue", stock=3))

    assert response.json() == {"colour": ["Unknown field."], "stock": ["Unknown field."]}


def test_an_unknown_sku_field_is_named_as_unknown_at_its_position(create):
    response = create(body(skus=[sku("A"), sku("B", colour="blue")]))

    # DRF keys the errors of a nested list by position, as strings in JSON.
    assert response.json() == {"skus": {"1": {"colour": ["Unknown field."]}}}


def test_a_code_twice_in_one_product_is_refused(create):
    response = create(body(skus=[sku("TEA-S"), sku("TEA-S")]))

    assert response.json() == {"skus": ["Each SKU code may appear only once."]}


def test_a_code_already_in_the_catalogue_is_refused_and_nothing_is_created(create):
    SKUFactory(code="TEA-S")
    before = catalogue()

    response = create(body(name="Ours", skus=[sku("NEW"), sku("TEA-S")]))

    assert response.status_code == 400
    assert response.json() == {"skus": ["SKU codes already exist: TEA-S."]}
    assert catalogue() == before


@pytest.mark.parametrize("raw", ['{"name": "Teapot",', "{'name': 'Teapot'}", '{"price": NaN}'])
def test_malformed_json_is_a_400_parse_error(create, raw):
    response = create(raw)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert catalogue() == (0, 0)


def test_a_body_that_is_not_json_is_a_415(staff_client):
    response = staff_client.post(
        URL, "name=Teapot", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert catalogue() == (0, 0)
