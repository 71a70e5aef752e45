"""POST /api/carts/{id}/items/ {sku_id, quantity} (api.md, Carts).

A SKU already in the cart adds to its line; a line holds 1 to 1000; only SKUs
of active products may be added. Bad input is a 400 and changes nothing.
"""

import pytest

from shop.carts.models import CartItem
from testing.factories import CartFactory, CartItemFactory, SKUFactory

pytestmark = pytest.mark.django_db


def url(cart_id) -> str:
    return f"/api/carts/{cart_id}/items/"


@pytest.fixture
def sku(db):
    return SKUFactory(code="TEAPOT")


def lines(cart) -> list[tuple[int, int]]:
    """The cart's lines as (sku_id, quantity)."""
    return list(CartItem.objects.filter(cart=cart).values_list("sku_id", "quantity"))


# --- Success -------------------------------------------------------------------------


def test_adding_a_sku_answers_the_new_line(customer_client, cart, sku):
    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 2})

    assert response.status_code == 201
    item = CartItem.objects.get()
    assert response.json() == {"id": item.pk, "sku_id": sku.pk, "sku_code": "TEAPOT", "quantity": 2}
    assert lines(cart) == [(sku.pk, 2)]


def test_adding_the_same_sku_again_adds_to_its_one_line(customer_client, cart, sku):
    first = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 2}).json()

    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 3})

    assert response.status_code == 201
    assert response.json() == {**first, "quantity": 5}
    assert lines(cart) == [(sku.pk, 5)]


def test_different_skus_get_different_lines(customer_client, cart, sku):
    other = SKUFactory()

    customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 1})
    customer_client.post(url(cart.pk), {"sku_id": other.pk, "quantity": 4})

    assert lines(cart) == [(sku.pk, 1), (other.pk, 4)]


@pytest.mark.parametrize("quantity", [1, 1000, "7"], ids=["one", "a-thousand", "numeric-string"])
def test_a_quantity_from_1_to_1000_is_accepted(customer_client, cart, sku, quantity):
    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": quantity})

    assert response.status_code == 201
    assert lines(cart) == [(sku.pk, int(quantity))]


def test_a_line_may_add_up_to_exactly_1000(customer_client, cart, sku):
    CartItemFactory(cart=cart, sku=sku, quantity=999)

    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 1})

    assert response.status_code == 201
    assert lines(cart) == [(sku.pk, 1000)]


def test_the_stock_does_not_limit_what_a_cart_holds(customer_client, cart):
    sku = SKUFactory(stock=0)

    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 5})

    assert response.status_code == 201
    sku.refresh_from_db()
    assert sku.stock == 0, "putting a SKU in a cart must not reserve its stock"


def test_the_same_sku_in_another_cart_is_a_separate_line(customer_client, cart, sku, user):
    other_cart = CartFactory(user=user)
    CartItemFactory(cart=other_cart, sku=sku, quantity=4)

    customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 1})

    assert (lines(cart), lines(other_cart)) == ([(sku.pk, 1)], [(sku.pk, 4)])


# --- Refusals --------------------------------------------------------------------------


def test_adding_past_1000_in_total_is_refused_and_leaves_the_line_alone(customer_client, cart, sku):
    CartItemFactory(cart=cart, sku=sku, quantity=600)

    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 401})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "A cart line holds at most 1000; this would make 1001.",
        "code": "quantity_too_large",
    }
    assert lines(cart) == [(sku.pk, 600)]


def test_an_unknown_sku_is_refused(customer_client, cart):
    response = customer_client.post(url(cart.pk), {"sku_id": 999999, "quantity": 1})

    assert response.status_code == 400
    assert response.json()["code"] == "sku_not_available"
    assert lines(cart) == []


def test_a_sku_of_an_archived_product_is_refused(customer_client, cart):
    sku = SKUFactory(product__archived=True)

    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 1})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "This SKU does not exist or is no longer sold.",
        "code": "sku_not_available",
    }
    assert lines(cart) == []


def test_more_of_a_sku_whose_product_was_archived_since_is_refused(customer_client, cart, sku):
    CartItemFactory(cart=cart, sku=sku, quantity=2)
    sku.product.is_active = False
    sku.product.save()

    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 1})

    assert response.status_code == 400
    assert response.json()["code"] == "sku_not_available"
    assert lines(cart) == [(sku.pk, 2)]


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity",
    [0, -1, 1001, "x", None, 1.5, "", [], {"n": 1}, True],
    ids=[
        "zero",
        "negative",
        "1001",
        "letters",
        "null",
        "fraction",
        "empty",
        "list",
        "object",
        "bool",
    ],
)
def test_a_quantity_outside_1_to_1000_is_a_400_naming_quantity(
    customer_client, cart, sku, quantity
):
    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": quantity})

    assert response.status_code == 400
    assert list(response.json()) == ["quantity"]
    assert lines(cart) == []


@pytest.mark.parametrize(
    "sku_id",
    ["abc", 0, -1, None, 1.5, 2**63, 10**30],
    ids=["letters", "zero", "negative", "null", "fraction", "2^63", "huge"],
)
def test_a_sku_id_that_is_not_an_id_is_a_400_naming_sku_id(customer_client, cart, sku_id):
    response = customer_client.post(url(cart.pk), {"sku_id": sku_id, "quantity": 1})

    assert response.status_code == 400
    assert list(response.json()) == ["sku_id"]
    assert lines(cart) == []


@pytest.mark.parametrize(
    "missing", [["quantity"], ["sku_id"], ["quantity", "sku_id"]], ids=["quantity", "sku", "both"]
)
def test_a_missing_field_is_a_400_naming_it(customer_client, cart, sku, missing):
    payload = {
        key: value for key, value in {"sku_id": sku.pk, "quantity": 1}.items() if key not in missing
    }

    response = customer_client.post(url(cart.pk), payload)

    assert response.status_code == 400
    assert sorted(response.json()) == missing
    assert lines(cart) == []


def test_an_unknown_field_is_a_400_even_beside_valid_ones(customer_client, cart, sku):
    response = customer_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 1, "price": "0"})

    assert response.status_code == 400
    assert response.json() == {"price": ["Unknown field."]}
    assert lines(cart) == []


@pytest.mark.parametrize(
    "body", ["{not json", "[]", "null", '"sku"'], ids=["malformed", "list", "null", "string"]
)
def test_a_body_that_is_not_an_object_is_a_400(customer_client, cart, body):
    response = customer_client.post(url(cart.pk), body, content_type="application/json")

    assert response.status_code == 400
    assert lines(cart) == []


# --- Whose cart -------------------------------------------------------------------------------


def test_adding_to_another_users_cart_is_a_404_and_writes_nothing(customer_client, stranger, sku):
    theirs = CartFactory(user=stranger)

    response = customer_client.post(url(theirs.pk), {"sku_id": sku.pk, "quantity": 1})

    assert response.status_code == 404
    assert response.json() == {"detail": "No such cart.", "code": "not_found"}
    assert not CartItem.objects.exists()


def test_adding_to_an_unknown_cart_is_a_404(customer_client, sku):
    response = customer_client.post(url(999999), {"sku_id": sku.pk, "quantity": 1})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_anonymous_visitor_cannot_add_to_a_cart(api_client, cart, sku):
    response = api_client.post(url(cart.pk), {"sku_id": sku.pk, "quantity": 1})

    assert response.status_code == 401
    assert lines(cart) == []
