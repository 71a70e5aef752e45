"""Orders read a fixed number of queries, however many orders and items there are."""

import pytest

from testing.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

# The caller's account, the page's COUNT, its orders, and all their items.
LIST_QUERIES = 4
# The caller's account, the order, and its items.
DETAIL_QUERIES = 3


def orders_with_items(user, orders: int, items: int) -> list:
    created = OrderFactory.create_batch(orders, user=user)
    for order in created:
        OrderItemFactory.create_batch(items, order=order)
    return created


@pytest.mark.parametrize(("orders", "items"), [(1, 1), (20, 3)], ids=["1x1", "20x3"])
def test_a_page_of_orders_costs_four_queries(
    customer_client, user, django_assert_num_queries, orders, items
):
    orders_with_items(user, orders, items)

    with django_assert_num_queries(LIST_QUERIES):
        response = customer_client.get("/api/orders/")

    results = response.json()["results"]
    assert (len(results), len(results[0]["items"])) == (orders, items)


@pytest.mark.parametrize("items", [1, 30])
def test_an_order_costs_three_queries_whatever_its_items(
    customer_client, user, django_assert_num_queries, items
):
    [order] = orders_with_items(user, 1, items)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = customer_client.get(f"/api/orders/{order.pk}/")

    assert len(response.json()["items"]) == items
