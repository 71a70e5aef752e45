"""Bad checkout requests: a 400 (or 401) naming the problem, and nothing written."""

import pytest

from testing.factories import CartItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_cart(cart):
    CartItemFactory(cart=cart, quantity=2)
    return cart


@pytest.mark.parametrize(
    "cart_id",
    ["abc", -1, 0, None, 1.5, "", [], 2**63, 10**30],
    ids=["letters", "negative", "zero", "null", "fraction", "empty", "list", "2^63", "huge"],
)
def test_a_cart_id_that_is_not_an_id_is_a_400_naming_cart_id(
    customer_client, full_cart, world, cart_id
):
    before = world()

    response = customer_client.post("/api/checkouts/", {"cart_id": cart_id})

    assert response.status_code == 400
    assert list(response.json()) == ["cart_id"]
    assert world() == before


def test_a_missing_cart_id_is_a_400_naming_it(customer_client, full_cart, world):
    before = world()

    response = customer_client.post("/api/checkouts/", {})

    assert response.status_code == 400
    assert response.json() == {"cart_id": ["This field is required."]}
    assert world() == before


def test_an_unknown_field_is_a_400_even_beside_a_valid_cart_id(customer_client, full_cart, world):
    before = world()

    response = customer_client.post("/api/checkouts/", {"cart_id": full_cart.pk, "coupon": "FREE"})

    assert response.status_code == 400
    assert response.json() == {"coupon": ["Unknown field."]}
    assert world() == before


@pytest.mark.parametrize(
    "body",
    ['{"cart_id": ', "[]", "null", "7", '"cart"'],
    ids=["malformed", "list", "null", "number", "string"],
)
def test_a_body_that_is_not_a_json_object_is_a_400(customer_client, full_cart, world, body):
    before = world()

    response = customer_client.post("/api/checkouts/", body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert world() == before


def test_malformed_json_is_a_400_with_a_code(customer_client, full_cart):
    response = customer_client.post(
        "/api/checkouts/", '{"cart_id": ', content_type="application/json"
    )

    assert response.json()["code"] == "parse_error"


def test_an_anonymous_visitor_cannot_check_out(api_client, full_cart, world):
    before = world()

    response = api_client.post("/api/checkouts/", {"cart_id": full_cart.pk})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert world() == before


def test_an_anonymous_visitor_gets_401_before_any_body_check(api_client):
    response = api_client.post("/api/checkouts/", "{", content_type="application/json")

    assert response.status_code == 401
