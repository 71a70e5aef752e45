"""Pattern 03: tokens only for verified, existing accounts; links that work once."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ObjectDoesNotExist
from django.urls import path
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from kata.variants import Fails, Holds, Kata, load_variant, said
from shop.users import views
from shop.users.tokens import email_verification_token
from testing.crashes import CheckedClient, answer
from testing.factories import DEFAULT_PASSWORD, UserFactory
from testing.preconditions import require
from testing.urls import mount


def variant(module) -> SimpleNamespace:
    return SimpleNamespace(
        login=module.LoginView,
        refresh=module.RefreshView,
        verification_tokens=module.verification_tokens,
    )


SHOP = SimpleNamespace(
    login=views.TokenObtainView,
    refresh=views.RotatingTokenRefreshView,
    verification_tokens=email_verification_token,
)
kata = Kata(
    naive=variant(load_variant(__file__, "naive")),
    article=variant(load_variant(__file__, "article")),
    shop=SHOP,
)
STOCK_REFRESH_500 = "simplejwt 5.5.1's refresh lets a deleted user's DoesNotExist escape: a 500"
RESET_GENERATOR = "default_token_generator is Django's password-reset generator"

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(variant, settings):
    """The variant's views at /login/ and /refresh/; a 500 comes back as a response."""
    mount(
        settings,
        [
            path("login/", variant.login.as_view()),
            path("refresh/", variant.refresh.as_view()),
        ],
    )
    return CheckedClient()


def log_in(client, email: str, password: str = DEFAULT_PASSWORD):
    return client.post("/login/", {"email": email, "password": password})


@kata(
    naive=Fails("RefreshToken.for_user() mints tokens without looking at is_active"),
    article=Holds("authenticate() returns nobody for an inactive account: no token"),
)
def test_an_unverified_account_gets_no_token(client):
    UserFactory(email="new@example.com", unverified=True)

    response = log_in(client, "new@example.com")

    assert response.status_code == 401, said(
        "logged in to an unverified account with the right password",
        f"{response.status_code} with {' and '.join(sorted(response.json()))}",
        "401 and no token",
    )


@kata(
    naive=Fails("RefreshToken.for_user() mints tokens without looking at is_active"),
    article=Fails(
        'its "Email not verified." branch never runs: authenticate() returns nobody '
        'for an inactive account, so the owner hears "Invalid credentials."'
    ),
)
def test_an_unverified_account_with_the_right_password_is_told_to_verify(client):
    UserFactory(email="new@example.com", unverified=True)

    response = log_in(client, "new@example.com")

    body = response.json()
    assert (response.status_code, body.get("code")) == (401, "email_not_verified"), said(
        "logged in to an unverified account with the right password",
        f"{answer(response)}: {body.get('detail', 'tokens')}",
        "401 email_not_verified",
    )


@kata(naive=Fails(STOCK_REFRESH_500), article=Fails(STOCK_REFRESH_500))
def test_a_deleted_users_refresh_token_is_refused_not_a_crash(client):
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    user.delete()

    response = client.expecting(ObjectDoesNotExist).post("/refresh/", {"refresh": refresh})

    assert response.status_code == 401, said(
        "refreshed the token of a deleted user", answer(response), 401
    )


@kata(
    naive=Fails(f"{RESET_GENERATOR}: it ignores is_active, so a used link keeps working"),
    article=Fails(f"{RESET_GENERATOR}, the only one Django ships: a used link keeps working"),
)
def test_a_verification_link_works_once(variant):
    user = UserFactory(unverified=True)
    token = variant.verification_tokens.make_token(user)
    require(variant.verification_tokens.check_token(user, token), "a fresh token is valid")

    user.is_active = True  # what verifying the address does
    user.email_verified_at = timezone.now()
    user.save()

    assert not variant.verification_tokens.check_token(user, token), said(
        "checked a verification token after the account was verified", "valid", "invalid"
    )


@kata(
    naive=Fails(f"{RESET_GENERATOR}: one token, two doors"),
    article=Fails(f"{RESET_GENERATOR}: one token, two doors"),
)
def test_a_verification_link_is_not_a_password_reset_link(variant):
    user = UserFactory(unverified=True)
    token = variant.verification_tokens.make_token(user)

    assert not default_token_generator.check_token(user, token), said(
        "checked a verification token with the password-reset generator", "valid", "invalid"
    )


@kata(
    naive=Fails(
        "a view with no authentication classes has no WWW-Authenticate header to send, "
        "so DRF turns its AuthenticationFailed into a 403"
    ),
    article=Holds("authenticate() fails on the password first"),
)
def test_a_wrong_password_on_an_unverified_account_says_only_invalid_credentials(client):
    """Password first: only someone who knows it learns the account is unverified."""
    UserFactory(email="new@example.com", unverified=True)

    response = log_in(client, "new@example.com", password="wrong")

    body = response.json()
    told = (response.status_code, body.get("code") == "email_not_verified")
    assert told == (401, False), said(
        "logged in to an unverified account with a wrong password",
        f"{answer(response)}: {body.get('detail')}",
        "401 that says nothing about verification",
    )


@kata(
    naive=Holds("it sets both claims on the refresh token, and the access token copies them"),
    article=Holds("it sets both claims before making the access token, which copies them"),
)
def test_the_access_token_carries_email_and_staff_claims(client):
    UserFactory(email="boss@example.com", staff=True)

    response = log_in(client, "BOSS@example.com")

    access = AccessToken(response.json()["access"])
    claims = (access.get("email"), access.get("is_staff"))
    assert claims == ("boss@example.com", True), said(
        "logged in as staff", f"email and is_staff claims {claims}", ("boss@example.com", True)
    )


@kata(
    naive=Fails("a hand-written login view gets the default throttles, not the login scope"),
    article=Holds('it asks for scoped throttling on the login endpoint, "login": "1000/day"'),
)
def test_password_guesses_spend_the_login_rate(client, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"login": "2/min", "anon": "100/min", "user": "100/min"},
    )
    UserFactory(email="ann@example.com")

    statuses = [log_in(client, "ann@example.com", password="guess").status_code for _ in range(3)]

    assert statuses[2] == 429, said(
        "guessed a password 3 times with a login rate of 2/min", statuses, "429 for the third"
    )


NO_REUSE_DETECTION = (
    "simplejwt's refresh refuses the replayed token, but the one rotated from it keeps "
    "working for whoever holds it"
)


@kata(naive=Fails(NO_REUSE_DETECTION), article=Fails(NO_REUSE_DETECTION))
def test_a_refresh_token_sent_twice_ends_its_login(client):
    """The thief refreshed first: the owner's replay must shut the thief out too."""
    UserFactory(email="ann@example.com")
    stolen = log_in(client, "ann@example.com").json()["refresh"]
    thiefs = client.post("/refresh/", {"refresh": stolen}).json()["refresh"]
    client.post("/refresh/", {"refresh": stolen})  # the owner, with the token the thief used

    response = client.post("/refresh/", {"refresh": thiefs})

    assert response.status_code == 401, said(
        "refreshed with the token rotated from one that was then sent again",
        answer(response),
        "401: a replay ends every token of the login",
    )


# --- Where the article is wrong: stock simplejwt (CHECK_USER_IS_ACTIVE) already refuses --------
# The shop's own views answer the same, with their codes: tests/users/test_token.py and
# tests/users/test_token_refresh.py.


def test_simplejwt_already_refuses_inactive_accounts_at_login(settings):
    mount(settings, [path("login/", TokenObtainPairView.as_view())])
    UserFactory(email="new@example.com", unverified=True)

    response = APIClient().post(
        "/login/", {"email": "new@example.com", "password": DEFAULT_PASSWORD}
    )

    assert (response.status_code, response.json()["code"]) == (401, "no_active_account")


def test_simplejwt_already_refuses_a_deactivated_users_refresh(settings):
    mount(settings, [path("refresh/", TokenRefreshView.as_view())])
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    user.is_active = False
    user.save()

    response = APIClient().post("/refresh/", {"refresh": refresh})

    assert (response.status_code, response.json()["code"]) == (401, "no_active_account")
