"""POST /api/carts/ past 20 carts of one customer: 409 ``cart_limit`` (api.md, issue 21).

One client looping on POST made 200 carts in 1.4 s. Two creations at once must not
both count 19 and make 21: the race is forced by pausing one before its INSERT.
"""

import pytest
from rest_framework.test import APIClient

from shop.carts.models import Cart
from shop.carts.services import MAX_CARTS
from testing.concurrency import run_meanwhile
from testing.factories import CartFactory, UserFactory


@pytest.mark.django_db
def test_a_customer_with_twenty_carts_gets_409_cart_limit(customer_client, user):
    CartFactory.create_batch(MAX_CARTS - 1, user=user)
    assert customer_client.post("/api/carts/").status_code == 201

    response = customer_client.post("/api/carts/")

    assert response.status_code == 409
    assert response.json()["code"] == "cart_limit"
    assert Cart.objects.filter(user=user).count() == MAX_CARTS


@pytest.mark.django_db
def test_the_limit_is_per_customer(customer_client, stranger):
    CartFactory.create_batch(MAX_CARTS, user=stranger)

    assert customer_client.post("/api/carts/").status_code == 201


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres(reason="row locks and READ COMMITTED races")
def test_two_creations_at_once_for_the_last_place_make_one_cart():
    buyer = UserFactory()
    CartFactory.create_batch(MAX_CARTS - 1, user=buyer)

    def create():
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(buyer)
        return client.post("/api/carts/")

    first, meanwhile = run_meanwhile(create, before='INSERT INTO "carts_cart"', meanwhile=create)

    statuses = sorted(
        r.status_code if hasattr(r, "status_code") else repr(r) for r in (first, meanwhile)
    )
    assert statuses == [201, 409], f"answered {statuses}"
    assert Cart.objects.filter(user=buyer).count() == MAX_CARTS
