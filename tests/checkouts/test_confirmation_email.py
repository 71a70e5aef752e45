"""The order confirmation email (api.md, Checkout; pattern 10): one per order, after commit.

pytest-django runs each test in a transaction that never commits, so on_commit
callbacks run only inside ``django_capture_on_commit_callbacks(execute=True)``.
"""

from decimal import Decimal

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from shop.orders.models import Order
from testing.factories import CartItemFactory, SKUFactory

pytestmark = pytest.mark.django_db

KEY = "confirm-once"


@pytest.fixture
def full_cart(cart):
    sku = SKUFactory(code="TEAPOT", price=Decimal("12.50"), stock=5, product__name="Teapot")
    CartItemFactory(cart=cart, sku=sku, quantity=2)
    return cart


def test_a_checkout_sends_one_confirmation_after_commit(
    customer_client, full_cart, checkout, django_capture_on_commit_callbacks, mailoutbox, user
):
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout(customer_client, full_cart.pk)

    [message] = mailoutbox
    assert message.to == [user.email]
    assert message.subject == f"Your order #{response.json()['id']}"


def test_the_confirmation_lists_what_was_bought_and_the_total(
    customer_client, full_cart, checkout, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        checkout(customer_client, full_cart.pk)

    [message] = mailoutbox
    assert "2 x Teapot (TEAPOT)  25.00" in message.body
    assert "Total: 25.00" in message.body


def test_no_email_leaves_before_the_transaction_commits(
    customer_client, full_cart, checkout, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = checkout(customer_client, full_cart.pk)

    assert response.status_code == 201
    assert mailoutbox == []
    assert len(callbacks) == 1, (
        "the email and the notification wait for the commit, queued together"
    )


def test_each_confirmation_names_its_own_order(
    customer_client, full_cart, checkout, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = checkout(customer_client, full_cart.pk).json()["id"]
        CartItemFactory(cart=full_cart, quantity=1)
        second = checkout(customer_client, full_cart.pk).json()["id"]

    assert [m.subject for m in mailoutbox] == [f"Your order #{first}", f"Your order #{second}"]


def test_a_replay_sends_no_second_email(
    customer_client, full_cart, checkout, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        checkout(customer_client, full_cart.pk, KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        replay = checkout(customer_client, full_cart.pk, KEY)

    assert replay["Idempotent-Replayed"] == "true"
    assert callbacks == []
    assert len(mailoutbox) == 1


def test_a_refused_checkout_sends_nothing(
    customer_client, cart, checkout, django_capture_on_commit_callbacks, mailoutbox
):
    CartItemFactory(cart=cart, sku__stock=0, quantity=1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = checkout(customer_client, cart.pk)

    assert response.status_code == 409
    assert (callbacks, mailoutbox) == ([], [])


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_failing_mail_server_is_logged_and_breaks_neither_the_commit_nor_the_order(
    customer_client, full_cart, checkout, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"

    # Runs the callbacks exactly as Django runs commit hooks: a robust one that
    # raises is logged, and must not raise out of the commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout(customer_client, full_cart.pk)

    assert response.status_code == 201
    assert Order.objects.filter(pk=response.json()["id"]).exists()
    assert "the mail server is down" in caplog.text


def test_a_confirmation_delivered_twice_is_the_same_email_to_the_customer(
    customer_client, full_cart, checkout, mailoutbox
):
    """Delivery is at least once (a worker killed after the mail server took it sends it
    again): the Message-ID comes from the outbox message, so mail clients show it once."""
    from shop.outbox.delivery import deliver_message
    from shop.outbox.models import OutboxMessage

    checkout(customer_client, full_cart.pk)  # the test's transaction never commits:
    email = OutboxMessage.objects.get(topic="order.confirmation_email")  # not sent yet
    deliver_message(email.pk)
    OutboxMessage.objects.filter(pk=email.pk).update(delivered_at=None)  # as if killed
    deliver_message(email.pk)

    first, again = (message.message()["Message-ID"] for message in mailoutbox)
    assert first == again == f"<order-confirmation.{email.pk}@localhost>", (
        f"delivered one confirmation twice, got Message-IDs {first} and {again}, expected "
        "the same one, from the outbox message id and the sender's domain"
    )


def test_the_confirmation_reads_the_order_in_one_query(
    customer_client, full_cart, checkout, django_assert_num_queries, mailoutbox
):
    from shop.orders.emails import send_order_confirmation

    order_id = checkout(customer_client, full_cart.pk).json()["id"]

    with django_assert_num_queries(1):
        send_order_confirmation(order_id=order_id)

    assert mailoutbox[0].subject == f"Your order #{order_id}"
