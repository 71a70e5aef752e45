"""The Idempotency-Key header of POST /api/checkouts/ (api.md, Checkout; pattern 08).

A retry with the same key and body answers the first response again and
changes nothing; the same key with another body is a 422; keys belong to
their user. (Two requests with one key at the same moment: patterns/08.)
"""

from decimal import Decimal

import pytest

from shop.orders.models import Order
from testing.factories import CartFactory, CartItemFactory, SKUFactory

pytestmark = pytest.mark.django_db

KEY = "4f0c1b9e-checkout-1"


@pytest.fixture
def sku(db):
    return SKUFactory(code="TEAPOT", price=Decimal("12.50"), stock=5)


@pytest.fixture
def full_cart(cart, sku):
    CartItemFactory(cart=cart, sku=sku, quantity=2)
    return cart


@pytest.fixture
def placed(customer_client, full_cart, checkout):
    """The first checkout with KEY, already answered."""
    response = checkout(customer_client, full_cart.pk, KEY)
    assert response.status_code == 201, response.content
    return response


# --- Replays --------------------------------------------------------------------------


def test_the_first_checkout_with_a_key_is_not_a_replay(placed):
    assert "Idempotent-Replayed" not in placed


def test_a_retry_with_the_same_key_answers_the_same_status_and_body(
    customer_client, full_cart, checkout, placed
):
    response = checkout(customer_client, full_cart.pk, KEY)

    assert response.status_code == 201
    assert response.json() == placed.json()


def test_a_retry_with_the_same_key_says_it_is_a_replay(
    customer_client, full_cart, checkout, placed
):
    response = checkout(customer_client, full_cart.pk, KEY)

    assert response["Idempotent-Replayed"] == "true"


def test_a_retry_with_the_same_key_changes_nothing(
    customer_client, full_cart, checkout, placed, world
):
    before = world()

    checkout(customer_client, full_cart.pk, KEY)

    assert world() == before


def test_a_retry_replays_even_after_the_cart_was_filled_again(
    customer_client, full_cart, checkout, placed, sku, world
):
    CartItemFactory(cart=full_cart, sku=sku, quantity=1)
    before = world()

    response = checkout(customer_client, full_cart.pk, KEY)

    assert response.json() == placed.json()
    assert world() == before, "a replay must not place the refilled cart's order"


def test_a_retry_replays_even_when_the_refilled_cart_could_not_be_sold(
    customer_client, full_cart, checkout, placed, sku, world
):
    """The key is honoured before the cart is judged: a retry answers as its first request
    did, whatever the cart holds now (here more than the stock left)."""
    sku.refresh_from_db()
    CartItemFactory(cart=full_cart, sku=sku, quantity=sku.stock + 1)
    before = world()

    response = checkout(customer_client, full_cart.pk, KEY)

    assert (response.status_code, response.json()) == (201, placed.json()), (
        f"retried a placed order after refilling its cart with more than the stock left, "
        f"got {response.status_code} {response.json()}, expected the first answer again"
    )
    assert world() == before


def test_a_retry_replays_after_the_catalogue_changed(
    customer_client, full_cart, checkout, placed, sku
):
    sku.price = Decimal("99.00")
    sku.save()

    response = checkout(customer_client, full_cart.pk, KEY)

    assert response.json() == placed.json()


def test_a_new_key_on_the_emptied_cart_is_a_new_request(
    customer_client, full_cart, checkout, placed
):
    response = checkout(customer_client, full_cart.pk, "another-key")

    assert response.status_code == 400
    assert response.json()["code"] == "empty_cart"


# --- The same key with a different request --------------------------------------------------------


def test_the_same_key_for_another_cart_is_a_422(customer_client, checkout, placed, user):
    other = CartItemFactory(cart=CartFactory(user=user)).cart

    response = checkout(customer_client, other.pk, KEY)

    assert response.status_code == 422
    assert response.json() == {
        "detail": "This Idempotency-Key was already used with a different request.",
        "code": "idempotency_key_reused",
    }


def test_the_same_key_for_another_cart_writes_nothing(
    customer_client, checkout, placed, user, world
):
    other = CartItemFactory(cart=CartFactory(user=user), quantity=3).cart
    before = world()

    checkout(customer_client, other.pk, KEY)

    assert world() == before


def test_the_same_key_for_another_empty_cart_is_still_a_422(
    customer_client, checkout, placed, user
):
    other = CartFactory(user=user)

    response = checkout(customer_client, other.pk, KEY)

    assert response.status_code == 422


# --- Keys belong to their user --------------------------------------------------------------------


def test_the_same_key_from_another_user_places_their_own_order(
    stranger_client, stranger, checkout, placed, sku
):
    theirs = CartItemFactory(cart=CartFactory(user=stranger), sku=sku, quantity=1).cart

    response = checkout(stranger_client, theirs.pk, KEY)

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert response.json()["id"] != placed.json()["id"]
    assert response.json()["total"] == "12.50"
    assert Order.objects.filter(user=stranger).count() == 1
    sku.refresh_from_db()
    assert sku.stock == 2


def test_another_user_cannot_replay_someone_elses_order_with_their_key(
    stranger_client, full_cart, checkout, placed
):
    response = checkout(stranger_client, full_cart.pk, KEY)

    assert response.status_code == 404
    assert str(placed.json()["id"]) not in response.content.decode()


# --- A failed checkout does not use up its key ------------------------------------------------------


def test_a_key_whose_checkout_was_refused_works_once_the_stock_is_back(
    customer_client, full_cart, checkout, sku
):
    sku.stock = 1
    sku.save()
    assert checkout(customer_client, full_cart.pk, KEY).status_code == 409
    sku.stock = 5
    sku.save()

    response = checkout(customer_client, full_cart.pk, KEY)

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Order.objects.count() == 1


def test_without_a_key_each_checkout_is_a_new_order(customer_client, full_cart, checkout, sku):
    checkout(customer_client, full_cart.pk)
    CartItemFactory(cart=full_cart, sku=sku, quantity=1)

    response = checkout(customer_client, full_cart.pk)

    assert response.status_code == 201
    assert Order.objects.count() == 2


# --- The header itself ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["k", "x" * 255, " spaced key "], ids=["1", "255", "spaces"])
def test_a_key_of_1_to_255_characters_is_accepted(customer_client, full_cart, checkout, key):
    response = checkout(customer_client, full_cart.pk, key)

    assert response.status_code == 201
    assert Order.objects.get().idempotency_key == key


@pytest.mark.parametrize("key", ["", "x" * 256], ids=["empty", "256-characters"])
def test_a_key_that_is_empty_or_too_long_is_a_400_and_writes_nothing(
    customer_client, full_cart, checkout, key, world
):
    before = world()

    response = checkout(customer_client, full_cart.pk, key)

    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]
    assert world() == before
