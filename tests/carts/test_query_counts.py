"""A cart reads a fixed number of queries, however many lines it holds."""

import pytest

from testing.factories import CartItemFactory

pytestmark = pytest.mark.django_db

# The caller's account (from the token), the cart, its lines, and their SKUs.
CART_QUERIES = 4


@pytest.mark.parametrize("lines", [1, 30])
def test_reading_a_cart_costs_the_same_queries_for_1_or_30_lines(
    customer_client, cart, django_assert_num_queries, lines
):
    CartItemFactory.create_batch(lines, cart=cart)

    with django_assert_num_queries(CART_QUERIES):
        response = customer_client.get(f"/api/carts/{cart.pk}/")

    assert len(response.json()["items"]) == lines
