"""GET /api/orders/ (api.md, Orders): your orders only, newest first, 20 a page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from testing.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db


def listed_ids(client, **params) -> list[int]:
    response = client.get("/api/orders/", params)
    assert response.status_code == 200, response.content
    return [order["id"] for order in response.json()["results"]]


def test_a_customer_sees_only_their_own_orders(customer_client, user, stranger):
    mine = OrderFactory(user=user)
    OrderFactory(user=stranger)

    assert listed_ids(customer_client) == [mine.pk]


def test_a_customer_without_orders_gets_an_empty_page(customer_client, stranger):
    OrderFactory(user=stranger)

    response = customer_client.get("/api/orders/")

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_orders_come_newest_first(customer_client, user):
    now = timezone.now()
    old = OrderFactory(user=user, created_at=now - timedelta(days=2))
    new = OrderFactory(user=user, created_at=now)
    middle = OrderFactory(user=user, created_at=now - timedelta(days=1))

    assert listed_ids(customer_client) == [new.pk, middle.pk, old.pk]


def test_orders_placed_at_the_same_moment_come_highest_id_first(customer_client, user):
    moment = timezone.now()
    first, second = OrderFactory.create_batch(2, user=user, created_at=moment)

    assert listed_ids(customer_client) == [second.pk, first.pk]


def test_each_order_in_the_list_has_the_shape_of_the_detail(customer_client, user):
    item = OrderItemFactory(order__user=user, order__total="12.50")

    [listed] = customer_client.get("/api/orders/").json()["results"]

    assert listed == customer_client.get(f"/api/orders/{item.order_id}/").json()


def test_the_list_is_paginated_20_a_page(customer_client, user):
    OrderFactory.create_batch(21, user=user)

    body = customer_client.get("/api/orders/").json()

    assert (body["count"], len(body["results"]), body["previous"]) == (21, 20, None)
    assert body["next"].endswith("/api/orders/?page=2")


def test_the_second_page_holds_the_oldest_orders(customer_client, user):
    oldest = OrderFactory(user=user, created_at=timezone.now() - timedelta(days=1))
    OrderFactory.create_batch(20, user=user)

    assert listed_ids(customer_client, page=2) == [oldest.pk]


def test_page_size_chooses_how_many_orders_a_page_holds(customer_client, user):
    OrderFactory.create_batch(3, user=user)

    assert len(listed_ids(customer_client, page_size=2)) == 2


def test_a_page_past_the_end_is_a_404(customer_client, user):
    OrderFactory(user=user)

    response = customer_client.get("/api/orders/", {"page": 2})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_staff_see_only_their_own_orders_too(staff_client, stranger):
    OrderFactory(user=stranger)

    assert listed_ids(staff_client) == []


def test_an_anonymous_visitor_cannot_list_orders(api_client):
    OrderFactory()

    response = api_client.get("/api/orders/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
