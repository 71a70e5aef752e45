"""/admin/login/ takes 5 wrong passwords from an address, then refuses it for 15 minutes.

The API's login was throttled; the admin's took unlimited guesses. django-axes
counts failed ``authenticate()`` calls per client address, read as the
throttles read it: X-Forwarded-For counts only behind ``NUM_PROXIES`` proxies;
and per account, from any addresses (the API's login counts the same failures:
tests/security/test_login_lockout.py).
"""

import pytest
from django.test import Client

from testing.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"
LIMIT = 5


def guess(client: Client, user, password: str, **headers):
    return client.post(LOGIN_URL, {"username": user.email, "password": password}, **headers)


def logged_in(response) -> bool:
    return response.status_code == 302  # a wrong password re-renders the form: 200


def test_the_guess_after_the_limit_is_refused_even_with_the_right_password(staff_user):
    client = Client()
    answers = [guess(client, staff_user, f"wrong {n}").status_code for n in range(1, LIMIT + 1)]

    after = guess(client, staff_user, DEFAULT_PASSWORD)

    # The failure that reaches the limit is answered with the lockout already.
    assert answers == [200] * (LIMIT - 1) + [429], f"wrong guesses 1 to {LIMIT} answered {answers}"
    assert after.status_code == 429, (
        f"guess {LIMIT + 1} (the right password) answered {after.status_code}, expected 429"
    )
    assert not logged_in(after)


def test_below_the_limit_the_right_password_logs_in(staff_user):
    client = Client()
    for attempt in range(LIMIT - 1):
        guess(client, staff_user, f"wrong {attempt}")

    assert logged_in(guess(client, staff_user, DEFAULT_PASSWORD))


def test_rotating_x_forwarded_for_does_not_escape_the_limit(staff_user):
    client = Client()
    for attempt in range(LIMIT):
        guess(client, staff_user, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")

    response = guess(client, staff_user, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert response.status_code == 429


def test_another_account_from_another_address_is_not_locked_out(staff_user):
    for attempt in range(LIMIT + 1):
        guess(Client(REMOTE_ADDR="203.0.113.9"), staff_user, f"wrong {attempt}")
    colleague = UserFactory(staff=True)

    assert logged_in(guess(Client(REMOTE_ADDR="198.51.100.7"), colleague, DEFAULT_PASSWORD))


def test_the_account_is_locked_from_every_address(staff_user):
    for attempt in range(LIMIT):
        guess(Client(REMOTE_ADDR=f"203.0.113.{attempt}"), staff_user, f"wrong {attempt}")

    response = guess(Client(REMOTE_ADDR="198.51.100.7"), staff_user, DEFAULT_PASSWORD)

    assert response.status_code == 429, (
        f"{LIMIT} wrong passwords for one account, each from another address, then the right "
        f"one from a fresh address: got {response.status_code}, expected 429"
    )
    assert 0 < int(response["Retry-After"]) <= 15 * 60


def test_logging_in_to_ones_own_account_does_not_wipe_the_failures_against_another(staff_user):
    """django-axes, on a success, deletes every failure of the client's address too."""
    client = Client()
    attacker = UserFactory(staff=True)
    for attempt in range(LIMIT - 1):
        guess(client, staff_user, f"wrong {attempt}")
    assert logged_in(guess(client, attacker, DEFAULT_PASSWORD))

    response = guess(Client(REMOTE_ADDR="198.51.100.7"), staff_user, "wrong again")

    assert response.status_code == 429, (
        f"{LIMIT - 1} wrong guesses, a login to the guesser's own account, and one more guess "
        f"from elsewhere answered {response.status_code}, expected 429: the success wiped the count"
    )
