"""A checkout runs a fixed number of queries, however many lines the cart has (pattern 08).

The queries: the caller's account; the cart (to 404 a stranger's), then the cart
again, locked, inside a savepoint; its lines; the SKUs, locked, with their
products; a savepoint around the order's INSERT and its items' one INSERT; the
outbox row (pattern 10); one UPDATE for all the stock; one DELETE for all the
lines; the release; the order and its items read back for the answer. An
Idempotency-Key adds one lookup.
"""

import pytest

from tests.factories import CartItemFactory

pytestmark = pytest.mark.django_db

CHECKOUT_QUERIES = 16


@pytest.mark.parametrize("lines", [1, 50])
def test_a_checkout_costs_the_same_queries_for_1_or_50_lines(
    customer_client, cart, checkout, django_assert_num_queries, lines
):
    CartItemFactory.create_batch(lines, cart=cart, quantity=2)

    with django_assert_num_queries(CHECKOUT_QUERIES):
        response = checkout(customer_client, cart.pk)

    assert response.status_code == 201
    assert len(response.json()["items"]) == lines


@pytest.mark.parametrize("lines", [1, 50])
def test_an_idempotency_key_costs_one_more_query_for_1_or_50_lines(
    customer_client, cart, checkout, django_assert_num_queries, lines
):
    CartItemFactory.create_batch(lines, cart=cart, quantity=2)

    with django_assert_num_queries(CHECKOUT_QUERIES + 1):
        response = checkout(customer_client, cart.pk, "a-key")

    assert response.status_code == 201
    assert len(response.json()["items"]) == lines
