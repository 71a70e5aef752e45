"""Pattern 03: tokens only for verified, existing accounts; links that work once."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import path
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView

from patterns.kata import RedGreen, load_naive, mount, said
from shop.users import views
from shop.users.tokens import email_verification_token
from tests.factories import DEFAULT_PASSWORD, UserFactory

naive = load_naive(__file__)

NAIVE = SimpleNamespace(
    login=naive.LoginView, refresh=naive.RefreshView, verification_tokens=naive.verification_tokens
)
SHOP = SimpleNamespace(
    login=views.TokenObtainView,
    refresh=views.RotatingTokenRefreshView,
    verification_tokens=email_verification_token,
)
red_green = RedGreen(naive=NAIVE, shop=SHOP)

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
    return APIClient(raise_request_exception=False)


@red_green(why="RefreshToken.for_user() mints tokens without looking at is_active")
def test_an_unverified_account_gets_no_token(client):
    UserFactory(email="new@example.com", unverified=True)

    response = client.post("/login/", {"email": "new@example.com", "password": DEFAULT_PASSWORD})

    assert response.status_code == 401, said(
        "logged in to an unverified account with the right password",
        f"{response.status_code} with {' and '.join(sorted(response.json()))}",
        "401 email_not_verified",
    )
    assert response.json()["code"] == "email_not_verified"


@red_green(why="simplejwt 5.5.1's refresh lets a deleted user's DoesNotExist escape: a 500")
def test_a_deleted_users_refresh_token_is_refused_not_a_crash(client):
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    user.delete()

    response = client.post("/refresh/", {"refresh": refresh})

    assert response.status_code == 401, said(
        "refreshed the token of a deleted user", response.status_code, 401
    )


@red_green(why="default_token_generator ignores is_active: a used link keeps working")
def test_a_verification_link_works_once(variant):
    user = UserFactory(unverified=True)
    token = variant.verification_tokens.make_token(user)
    assert variant.verification_tokens.check_token(user, token)

    user.is_active = True  # what verifying the address does
    user.email_verified_at = timezone.now()
    user.save()

    assert not variant.verification_tokens.check_token(user, token), said(
        "checked a verification token after the account was verified", "valid", "invalid"
    )


@red_green(why="default_token_generator is the password-reset generator: one token, two doors")
def test_a_verification_link_is_not_a_password_reset_link(variant):
    user = UserFactory(unverified=True)
    token = variant.verification_tokens.make_token(user)

    assert not default_token_generator.check_token(user, token), said(
        "checked a verification token with the password-reset generator", "valid", "invalid"
    )


@pytest.mark.parametrize("view", [TokenObtainPairView, views.TokenObtainView])
def test_simplejwt_already_refuses_inactive_accounts_at_login(view, settings):
    """Where the article is wrong: stock simplejwt (CHECK_USER_IS_ACTIVE) gives them no token."""
    mount(settings, [path("login/", view.as_view())])
    UserFactory(email="new@example.com", unverified=True)

    response = APIClient().post(
        "/login/", {"email": "new@example.com", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 401


def test_simplejwt_already_refuses_a_deactivated_users_refresh(settings):
    mount(settings, [path("refresh/", views.RotatingTokenRefreshView.as_view())])
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    user.is_active = False
    user.save()

    assert APIClient().post("/refresh/", {"refresh": refresh}).status_code == 401


def test_a_wrong_password_on_an_unverified_account_says_only_invalid_credentials(settings):
    """Password first: only someone who knows it learns the account is unverified."""
    mount(settings, [path("login/", views.TokenObtainView.as_view())])
    UserFactory(email="new@example.com", unverified=True)

    response = APIClient().post("/login/", {"email": "new@example.com", "password": "wrong"})

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_the_access_token_carries_email_and_staff_claims(settings):
    mount(settings, [path("login/", views.TokenObtainView.as_view())])
    UserFactory(email="boss@example.com", staff=True)

    response = APIClient().post(
        "/login/", {"email": "BOSS@example.com", "password": DEFAULT_PASSWORD}
    )

    access = AccessToken(response.json()["access"])
    assert (access["email"], access["is_staff"]) == ("boss@example.com", True)


def test_login_has_its_own_throttle_scope():
    assert views.TokenObtainView.throttle_scope == "login"
