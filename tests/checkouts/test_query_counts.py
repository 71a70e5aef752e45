"""A checkout runs a fixed number of queries, however many lines the cart has (pattern 08).

The queries: the caller's account (the access token's user must still be active);
the cart, locked (a stranger's is a 404 here, with no read before it); its lines;
the SKUs, locked, with their products; the order's INSERT and its items' one
INSERT; the outbox row (pattern 10); one UPDATE for all the stock; one DELETE for
all the lines. The answer is the order in hand: nothing is read back. An
Idempotency-Key adds the lookup and, on PostgreSQL, the bound on how long the order's
INSERT may wait for another request with the same key (``lock_timeout``). Here the test's own transaction turns the
checkout's BEGIN and COMMIT into a SAVEPOINT and its RELEASE, which are counted.
"""

import pytest
from django.db import connection

from testing.factories import CartItemFactory

pytestmark = pytest.mark.django_db

CHECKOUT_QUERIES = 11
# A replay: the account, the savepoint, the cart lock, the earlier order, its items, the release.
REPLAY_QUERIES = 6


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
def test_an_idempotency_key_adds_the_same_queries_for_1_or_50_lines(
    customer_client, cart, checkout, django_assert_num_queries, lines
):
    CartItemFactory.create_batch(lines, cart=cart, quantity=2)

    key_queries = 2 if connection.vendor == "postgresql" else 1  # SQLite has no lock_timeout
    with django_assert_num_queries(CHECKOUT_QUERIES + key_queries):
        response = checkout(customer_client, cart.pk, "a-key")

    assert response.status_code == 201
    assert len(response.json()["items"]) == lines


@pytest.mark.parametrize("lines", [1, 50])
def test_a_replay_reads_the_earlier_order_and_its_items_once(
    customer_client, cart, checkout, django_assert_num_queries, lines
):
    CartItemFactory.create_batch(lines, cart=cart, quantity=2)
    first = checkout(customer_client, cart.pk, "a-key")

    with django_assert_num_queries(REPLAY_QUERIES):
        replay = checkout(customer_client, cart.pk, "a-key")

    assert replay.json() == first.json()
