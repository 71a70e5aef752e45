"""What a checkout announces (api.md, Checkout; pattern 10): its confirmation email and the
warehouse's notification, as outbox messages written in the checkout's own transaction."""

from decimal import Decimal

import pytest

from shop.outbox.models import OutboxMessage
from testing.factories import CartItemFactory, SKUFactory

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
