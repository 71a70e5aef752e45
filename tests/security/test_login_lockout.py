"""The API's login locks an account after 5 failures, from any addresses, with the admin's.

Before (issue 20): the API's login was limited per client address only (1000/day),
and it never asked django-axes: 300 wrong passwords for a staff account met no lock,
and after the admin locked that account, the API still gave a staff JWT. Now the
API's login calls ``authenticate(request=...)`` as the admin's does, and axes counts
failures per address and per account (its stored address): past 5 in 15 minutes
every attempt, the right password too, is a 429 whose ``Retry-After`` says when
the cool-off ends.
"""

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from testing.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
COOL_OFF = int(settings.AXES_COOLOFF_TIME.total_seconds())


def api_login(email: str, password: str, address: str = "203.0.113.1"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/auth/token/", {"email": email, "password": password}, format="json"
    )


def admin_login(email: str, password: str, address: str = "203.0.113.1"):
    return Client(REMOTE_ADDR=address).post(
        "/admin/login/", {"username": email, "password": password}
    )


def assert_locked(response, what: str) -> None:
    assert response.status_code == 429, f"{what}: got {response.status_code}, expected 429"
    assert response.json()["code"] == "locked_out"
    assert 0 < int(response["Retry-After"]) <= COOL_OFF, (
        f"{what}: Retry-After {response.get('Retry-After')!r}, expected the seconds until "
        f"the cool-off ends (at most {COOL_OFF})"
    )


def test_wrong_passwords_from_many_addresses_lock_the_account(staff_user):
    for n in range(LIMIT):
        api_login(staff_user.email, f"guess {n}", address=f"198.51.100.{n}")

    response = api_login(staff_user.email, DEFAULT_PASSWORD, address="192.0.2.77")

    assert_locked(response, f"the right password after {LIMIT} failures from {LIMIT} addresses")
    assert "access" not in response.json()


def test_any_spelling_of_the_address_counts_against_the_same_account(user):
    local, domain = user.email.split("@")
    for n in range(LIMIT):
        api_login(f"{local.upper()}@{domain.upper()}", f"guess {n}", address=f"198.51.100.{n}")

    assert_locked(
        api_login(user.email, DEFAULT_PASSWORD, address="192.0.2.77"), "the plain spelling"
    )


def test_the_admins_lock_holds_for_the_api(staff_user):
    for n in range(LIMIT):
        admin_login(staff_user.email, f"guess {n}", address=f"198.51.100.{n}")

    response = api_login(staff_user.email, DEFAULT_PASSWORD, address="192.0.2.77")

    assert_locked(response, "the API's login after the admin locked the account")


def test_the_apis_failures_lock_the_admin_too(staff_user):
    for n in range(LIMIT):
        api_login(staff_user.email, f"guess {n}", address=f"198.51.100.{n}")

    response = admin_login(staff_user.email, DEFAULT_PASSWORD, address="192.0.2.77")

    assert_locked(response, "the admin's login after the API's failures")


def test_guesses_during_the_lock_do_not_push_its_end(user, monkeypatch):
    for n in range(LIMIT):
        api_login(user.email, f"guess {n}", address=f"198.51.100.{n}")
    first = int(api_login(user.email, "more").get("Retry-After"))

    for n in range(10):
        api_login(user.email, f"still guessing {n}")

    assert int(api_login(user.email, DEFAULT_PASSWORD)["Retry-After"]) <= first


def test_below_the_limit_the_right_password_logs_in(user):
    for n in range(LIMIT - 1):
        api_login(user.email, f"guess {n}")

    assert api_login(user.email, DEFAULT_PASSWORD).status_code == 200


def test_an_unknown_address_locks_like_a_real_one(db):
    """The lock tells nothing about who has an account."""
    for n in range(LIMIT):
        api_login("nobody@example.com", f"guess {n}", address=f"198.51.100.{n}")

    assert_locked(api_login("nobody@example.com", "guess", address="192.0.2.77"), "an unknown one")
