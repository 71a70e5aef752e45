"""Two checkouts at once, by one customer: one order each time it should be one.

Real threads against PostgreSQL (``testing/concurrency.py`` forces the interleaving):
a double click on one cart is settled by the cart's row lock, one Idempotency-Key on
two carts by the unique (user, key) constraint, and a key whose first request runs too
long by a bounded wait. Pattern 08 proves the races between
buyers (the last unit, the lock order, one key sent twice).
"""

import pytest
from django.db.models.signals import pre_save
from rest_framework.test import APIClient

from shop.checkouts import services
from shop.orders.models import Order
from testing.concurrency import Rendezvous, holding, run_concurrently
from testing.crashes import answer
from testing.factories import CartFactory, CartItemFactory, SKUFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres(reason="row locks and a unique constraint decide the race"),
]


def checkout(user, cart, key: str | None = None):
    def call():
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(user)
        headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
        return client.post("/api/checkouts/", {"cart_id": cart.pk}, format="json", **headers)

    return call


def test_a_double_click_without_a_key_makes_one_order_and_one_empty_cart_400():
    """Each request is held right after it reads the cart's lines. Without the cart lock
    both read the same lines and each makes an order of them; with it, the second waits
    for the first to commit, then finds the cart emptied."""
    user = UserFactory()
    cart = CartFactory(user=user)
    CartItemFactory(cart=cart, sku=SKUFactory(stock=10), quantity=2)

    responses = run_concurrently(
        [checkout(user, cart), checkout(user, cart)],
        Rendezvous(2).after_first_statement('"carts_cartitem"'),
        lanes="click",
    )

    answers = sorted(answer(r) for r in responses)
    orders = Order.objects.count()
    assert (answers, orders) == (["201", "400 empty_cart"], 1), (
        f"checked out one cart twice at once, got {answers} and {orders} order(s), "
        "expected 201, 400 empty_cart and one order"
    )


def test_one_key_on_two_carts_at_once_makes_one_order_and_one_422():
    """Different carts and SKUs, so no lock orders them: both reach the INSERT, and the
    unique (user, key) constraint makes the second wait, fail, and answer 422."""
    user = UserFactory()
    carts = [CartFactory(user=user) for _ in range(2)]
    for cart, quantity in zip(carts, (1, 2), strict=True):
        CartItemFactory(cart=cart, sku=SKUFactory(stock=10), quantity=quantity)

    responses = run_concurrently(
        [checkout(user, cart, key="k") for cart in carts],
        Rendezvous(2).at_signal(pre_save, sender=Order),
        lanes="request",
    )

    answers = sorted(answer(r) for r in responses)
    orders = Order.objects.count()
    assert (answers, orders) == (["201", "422 idempotency_key_reused"], 1), (
        f"sent one Idempotency-Key with two carts at once, got {answers} and {orders} "
        "order(s), expected 201, 422 idempotency_key_reused and one order"
    )


def test_a_key_whose_first_request_is_still_running_is_a_409_in_use_and_writes_nothing(
    monkeypatch,
):
    """The first request with the key has written its order and not committed yet (it
    is held open here); the second, for another cart, queues behind it at its INSERT.
    It waits KEY_WAIT_MS, not for ever: 409 idempotency_key_in_use, and the client
    retries. Then the first commits: one order."""
    monkeypatch.setattr(services, "KEY_WAIT_MS", 50)
    user = UserFactory()
    first, second = [CartFactory(user=user) for _ in range(2)]
    for cart in (first, second):
        CartItemFactory(cart=cart, sku=SKUFactory(stock=10), quantity=1)

    with holding(lambda: services.order_place(user=user, cart_id=first.pk, idempotency_key="k")):
        response = checkout(user, second, key="k")()

    assert answer(response) == "409 idempotency_key_in_use", (
        f"sent a key whose first request was still running, got {answer(response)}, "
        "expected 409 idempotency_key_in_use"
    )
    assert list(Order.objects.values_list("request_fingerprint", flat=True)) == [
        services.request_fingerprint(cart_id=first.pk)
    ]
