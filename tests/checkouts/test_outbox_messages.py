"""What a checkout announces (api.md, Checkout; pattern 10): its confirmation email and the
warehouse's notification, as outbox messages written in the checkout's own transaction."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from shop.outbox import services
from shop.outbox.models import OutboxMessage
from testing.factories import CartFactory, CartItemFactory, SKUFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_checkout_leaves_an_email_and_a_notification_in_the_outbox(
    customer_client, cart, checkout, user
):
    """Delivered after the COMMIT: here the test's transaction never commits, so they wait
    undelivered, as after a crash."""
    CartItemFactory(cart=cart, sku=SKUFactory(stock=5, price=Decimal("12.50")), quantity=1)

    order_id = checkout(customer_client, cart.pk).json()["id"]

    messages = OutboxMessage.objects.order_by("topic")
    assert [(m.topic, m.payload, m.delivered_at) for m in messages] == [
        ("order.confirmation_email", {"order_id": order_id}, None),
        ("order.placed", {"order_id": order_id, "user_id": user.pk, "total": "12.50"}, None),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_commit_hook_that_raises_costs_not_the_order_and_leaves_its_messages_to_the_sweep(
    monkeypatch, caplog
):
    """Queuing the delivery raises inside the COMMIT's hooks, past the broker's own guard
    (``queue_delivery`` catches a broker that is down; this is the error it did not
    expect). ``after_commit`` hooks are robust: the answer is still 201, the error is
    logged, and the messages wait, committed, for the sweep."""

    def publish(*, message_ids):
        raise ConnectionResetError("the broker dropped the connection mid-publish")

    monkeypatch.setattr(services, "queue_delivery", publish)
    cart = CartFactory(user=UserFactory())
    CartItemFactory(cart=cart, sku=SKUFactory(stock=5, price=Decimal("12.50")), quantity=1)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(cart.user)

    response = client.post("/api/checkouts/", {"cart_id": cart.pk}, format="json")

    assert response.status_code == 201, (
        f"checked out while a commit hook raised, got {response.status_code}, expected 201"
    )
    assert "the broker dropped the connection mid-publish" in caplog.text
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 2
