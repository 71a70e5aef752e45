"""Tokens and a customer's own data are never cached; a staff session lasts hours (issue 21).

api.md: responses to ``/api/auth/`` and to a customer's own data carry
``Cache-Control: no-store`` (RFC 6749 §5.1 for the tokens).
"""

from datetime import timedelta

import pytest
from django.test import Client

from testing.factories import CartItemFactory, OrderFactory, UserFactory

PASSWORD = "correct horse battery staple"


def assert_not_stored(response) -> None:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, (
        f"{response.status_code} with Cache-Control {response.get('Cache-Control')!r}"
    )


@pytest.mark.django_db
def test_the_token_pair_is_not_stored(api_client):
    UserFactory(email="buyer@example.com", password=PASSWORD)

    response = api_client.post(
        "/api/auth/token/", {"email": "buyer@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert_not_stored(response)


@pytest.mark.django_db
def test_a_refreshed_token_pair_is_not_stored(api_client):
    UserFactory(email="buyer@example.com", password=PASSWORD)
    pair = api_client.post(
        "/api/auth/token/", {"email": "buyer@example.com", "password": PASSWORD}
    ).json()

    response = api_client.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]})

    assert response.status_code == 200
    assert_not_stored(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/register/", {"email": "new@example.com", "password": PASSWORD}),
        ("/api/auth/resend-verification/", {"email": "new@example.com"}),
        ("/api/auth/verify-email/", {"uid": "x", "token": "y"}),
    ],
)
def test_every_answer_under_api_auth_is_not_stored(api_client, path, body):
    assert_not_stored(api_client.post(path, body))


def test_me_is_not_stored(customer_client):
    response = customer_client.get("/api/auth/me/")

    assert response.status_code == 200
    assert_not_stored(response)


def test_a_customers_carts_are_not_stored(customer_client, cart):
    CartItemFactory(cart=cart)

    assert_not_stored(customer_client.get(f"/api/carts/{cart.id}/"))
    assert_not_stored(customer_client.post("/api/carts/"))


def test_a_customers_orders_are_not_stored(customer_client, user):
    order = OrderFactory(user=user)

    assert_not_stored(customer_client.get("/api/orders/"))
    assert_not_stored(customer_client.get(f"/api/orders/{order.id}/"))


def test_a_checkout_is_not_stored(customer_client, cart):
    CartItemFactory(cart=cart)

    response = customer_client.post("/api/checkouts/", {"cart_id": cart.id})

    assert response.status_code == 201
    assert_not_stored(response)


@pytest.mark.django_db
def test_the_public_catalogue_stays_cacheable(api_client):
    response = api_client.get("/api/products/")

    assert "no-store" not in response.get("Cache-Control", "")


def test_a_staff_session_in_the_admin_lasts_hours_not_weeks(staff_user):
    client = Client()
    client.force_login(staff_user)

    age = timedelta(seconds=client.session.get_expiry_age())

    assert timedelta(hours=1) <= age <= timedelta(hours=12), f"an admin session lasts {age}"
