"""POST /api/auth/token/ {email, password} (api.md, Identity; pattern 03)."""

import pytest
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from shop.users.models import User
from testing.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"
INVALID_CREDENTIALS = {
    "detail": "No account matches that email and password.",
    "code": "invalid_credentials",
}


def log_in(client, email, password=DEFAULT_PASSWORD):
    return client.post(TOKEN_URL, {"email": email, "password": password}, format="json")


# --- Success -------------------------------------------------------------------


def test_token_answers_200_with_an_access_and_a_refresh_token(api_client, user):
    response = log_in(api_client, user.email)

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_the_access_token_carries_the_user_id_email_and_is_staff_claims(api_client, user):
    access = AccessToken(log_in(api_client, user.email).json()["access"])

    assert access["user_id"] == str(user.pk)
    assert access["email"] == user.email
    assert access["is_staff"] is False


def test_the_access_token_of_staff_says_is_staff(api_client, staff_user):
    access = AccessToken(log_in(api_client, staff_user.email).json()["access"])

    assert access["is_staff"] is True


def test_the_refresh_token_is_a_valid_refresh_token_for_the_user(api_client, user):
    refresh = RefreshToken(log_in(api_client, user.email).json()["refresh"])

    assert refresh["user_id"] == str(user.pk)


def test_token_matches_the_email_in_any_letter_case(api_client):
    UserFactory(email="Ann@example.com")

    response = log_in(api_client, "aNN@EXAMPLE.com")

    assert response.status_code == 200


def test_token_matches_an_international_domain_in_any_letter_case(api_client):
    UserFactory(email="ann@xn--bcher-kva.de")  # as registering "ann@bücher.de" stores it

    response = log_in(api_client, "ann@BÜCHER.de")

    assert response.status_code == 200, (
        f"logging in as ann@BÜCHER.de for ann@bücher.de answered {response.status_code}, "
        "expected 200: the lookup must compare the normalized address "
        "(SQLite's LIKE folds ASCII case only)"
    )


def test_the_access_token_opens_me(api_client, user):
    access = log_in(api_client, user.email).json()["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    response = api_client.get("/api/auth/me/")

    assert response.status_code == 200
    assert response.json()["id"] == user.pk


def test_token_ignores_a_stale_authorization_header(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    response = log_in(api_client, user.email)

    assert response.status_code == 200, "a stale token must not stop anyone from logging in"


# --- Refused -----------------------------------------------------------------------


def test_token_refuses_a_wrong_password_with_invalid_credentials(api_client, user):
    response = log_in(api_client, user.email, "not the password")

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


def test_token_refuses_an_unknown_email_with_invalid_credentials(api_client, db):
    response = log_in(api_client, "nobody@example.com")

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


def test_token_answers_an_unknown_email_exactly_like_a_wrong_password(api_client, user):
    unknown = log_in(api_client, "nobody@example.com")
    wrong = log_in(api_client, user.email, "not the password")

    assert (unknown.status_code, unknown.content) == (wrong.status_code, wrong.content)


def test_token_tells_an_unverified_account_with_the_right_password_to_verify(
    api_client, unverified_user
):
    response = log_in(api_client, unverified_user.email)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Verify your email address before logging in.",
        "code": "email_not_verified",
    }


def test_token_checks_the_password_before_telling_an_account_is_unverified(
    api_client, unverified_user
):
    response = log_in(api_client, unverified_user.email, "not the password")

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS, (
        "someone without the password learned that the account exists and is unverified"
    )


def test_token_answers_a_deactivated_account_like_a_wrong_password(api_client, user):
    """A verified account that staff deactivated is not told to verify its email."""
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = log_in(api_client, user.email)

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


def test_token_refuses_every_password_for_an_account_without_a_usable_one(api_client, db):
    ann = User.objects.create_user("ann@example.com", password=None, is_active=True)
    assert ann.password.startswith(UNUSABLE_PASSWORD_PREFIX)

    response = log_in(api_client, "ann@example.com", ann.password)

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "ann@example.com"},
        {"password": DEFAULT_PASSWORD},
        {"email": None, "password": DEFAULT_PASSWORD},
        {"email": ["ann@example.com"], "password": DEFAULT_PASSWORD},
        {"email": "ann@example.com", "password": {"value": DEFAULT_PASSWORD}},
        {"email": "", "password": ""},
    ],
    ids=["empty", "no-password", "no-email", "null", "list", "object", "blank"],
)
def test_token_refuses_missing_or_mistyped_fields_with_400(api_client, user, body):
    response = api_client.post(TOKEN_URL, body, format="json")

    assert response.status_code == 400


def test_token_refuses_a_form_encoded_body_with_415(api_client, user):
    response = api_client.post(
        TOKEN_URL,
        f"email={user.email}&password={DEFAULT_PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415


# --- The login throttle ------------------------------------------------------------


def test_token_answers_429_with_retry_after_past_the_login_rate(api_client, user, throttle_rates):
    throttle_rates(login="3/min")
    for _ in range(3):
        assert log_in(api_client, user.email).status_code == 200

    response = log_in(api_client, user.email)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_failed_logins_count_against_the_login_rate(api_client, user, throttle_rates):
    throttle_rates(login="3/min")
    for _ in range(3):
        assert log_in(api_client, user.email, "guess").status_code == 401

    response = log_in(api_client, user.email)

    assert response.status_code == 429, "password guesses must spend the login budget"
