"""Tokens can be revoked: used, logged out, or outlived by a password change.

A refresh token used to work for its whole 7 days whatever happened: a thief
kept access after the owner changed their password, and there was no logout.
Now a refresh token works once (each refresh answers a new pair), logout
revokes it, and a password change revokes every token issued before it.
"""

import threading

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from shop.users.serializers import (
    ActiveUserTokenObtainPairSerializer,
    RotatingTokenRefreshSerializer,
)
from shop.users.views import RotatingTokenRefreshView
from testing.concurrency import run_concurrently
from testing.factories import UserFactory

REFRESH_URL = "/api/auth/token/refresh/"
LOGOUT_URL = "/api/auth/logout/"
ME_URL = "/api/auth/me/"


def tokens_for(user) -> tuple[str, str]:
    refresh = ActiveUserTokenObtainPairSerializer.get_token(user)
    return str(refresh), str(refresh.access_token)


def refresh(token: str):
    return APIClient().post(REFRESH_URL, {"refresh": token}, format="json")


def logout(token: str):
    return APIClient().post(LOGOUT_URL, {"refresh": token}, format="json")


def me(access: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get(ME_URL)


def assert_refused(response, what: str) -> None:
    assert response.status_code == 401, f"{what}: got {response.status_code}, expected 401"
    assert set(response.json()) >= {"detail", "code"}


# --- Rotation: a refresh token works once ----------------------------------------------------


@pytest.mark.django_db
def test_a_refresh_token_works_once(user):
    token, _ = tokens_for(user)
    first = refresh(token)

    second = refresh(token)

    assert first.status_code == 200
    assert_refused(second, "the same refresh token sent a second time")


@pytest.mark.django_db
def test_the_rotated_refresh_token_works(user):
    token, _ = tokens_for(user)
    rotated = refresh(token).json()["refresh"]

    response = refresh(rotated)

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_refresh_token_that_was_never_recorded_is_refused(user):
    """Signed with our key but never issued by us (so never recorded): not ours."""
    token = RefreshToken()
    token["user_id"] = str(user.pk)

    assert_refused(refresh(str(token)), "a validly signed refresh token we never issued")


# --- Logout ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_logout_answers_205_and_the_refresh_token_stops_working(user):
    token, _ = tokens_for(user)

    response = logout(token)

    assert response.status_code == 205
    assert response.content == b""
    assert_refused(refresh(token), "a refresh token after logout")


@pytest.mark.django_db
def test_logout_twice_is_a_401(user):
    token, _ = tokens_for(user)
    logout(token)

    assert_refused(logout(token), "a second logout with the same refresh token")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 400), ({"refresh": ""}, 400), ({"refresh": "garbage"}, 401), ({"refresh": ["x"]}, 400)],
    ids=["missing", "blank", "garbage", "list"],
)
def test_logout_refuses_bad_bodies(body, status):
    response = APIClient().post(LOGOUT_URL, body, format="json")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_logout_refuses_an_access_token(user):
    _, access = tokens_for(user)

    assert_refused(logout(access), "an access token sent to logout")


# --- A password change revokes every token issued before it ----------------------------------


@pytest.mark.django_db
def test_a_password_change_revokes_earlier_refresh_tokens(user):
    token, _ = tokens_for(user)
    user.set_password("a brand new passphrase")
    user.save()

    assert_refused(refresh(token), "a refresh token issued before the password change")


@pytest.mark.django_db
def test_a_password_change_revokes_earlier_access_tokens(user):
    _, access = tokens_for(user)
    user.set_password("a brand new passphrase")
    user.save()

    assert_refused(me(access), "an access token issued before the password change")


@pytest.mark.django_db
def test_tokens_issued_after_the_password_change_work(user):
    user.set_password("a brand new passphrase")
    user.save()
    token, access = tokens_for(user)

    assert refresh(token).status_code == 200
    assert me(access).status_code == 200


# --- Two refreshes with one token at once: one wins ------------------------------------------


class BarrierAfterVerify(RefreshToken):
    """Both requests have checked the token before either revokes it: the race, forced."""

    barrier: threading.Barrier

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.barrier.wait(timeout=20)


BOTH_PASS = "simplejwt checks the blacklist, then blacklists: both requests pass"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres(reason="row locks")
@pytest.mark.parametrize(
    "serializer",
    [
        pytest.param(
            TokenRefreshSerializer,
            marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=BOTH_PASS),
            id="simplejwt",
        ),
        pytest.param(RotatingTokenRefreshSerializer, id="shop"),
    ],
)
def test_two_refreshes_with_one_token_at_once_give_one_new_pair(monkeypatch, serializer):
    user = UserFactory()
    token, _ = tokens_for(user)
    monkeypatch.setattr(RotatingTokenRefreshView, "serializer_class", serializer)
    monkeypatch.setattr(BarrierAfterVerify, "barrier", threading.Barrier(2), raising=False)
    monkeypatch.setattr(serializer, "token_class", BarrierAfterVerify)

    results = run_concurrently([lambda: refresh(token), lambda: refresh(token)])

    crashed = [r for r in results if isinstance(r, BaseException)]
    if crashed:
        pytest.fail(f"a request crashed instead of answering: {crashed!r}")
    statuses = sorted(response.status_code for response in results)
    assert statuses == [200, 401], (
        f"two refreshes with one token at once answered {statuses}, expected [200, 401]: "
        "a stolen refresh token raced against its owner must not give both a new pair"
    )
