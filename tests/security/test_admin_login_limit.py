"""/admin/login/ takes 5 wrong passwords from an address, then refuses it for 15 minutes.

The API's login was throttled; the admin's took unlimited guesses. django-axes
counts failed ``authenticate()`` calls per client address, read as the
throttles read it: X-Forwarded-For counts only behind ``NUM_PROXIES`` proxies.
"""

import pytest
from django.test import Client

from testing.factories import DEFAULT_PASSWORD

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


def test_another_address_is_not_locked_out(staff_user):
    for attempt in range(LIMIT + 1):
        guess(Client(REMOTE_ADDR="203.0.113.9"), staff_user, f"wrong {attempt}")

    assert logged_in(guess(Client(REMOTE_ADDR="198.51.100.7"), staff_user, DEFAULT_PASSWORD))
