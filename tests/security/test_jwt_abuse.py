"""Forged, stale and misused tokens: every one is a 401 with a JSON body, never a 500.

Two doors take a token: ``GET /api/auth/me/`` reads an access token from the
``Authorization: Bearer`` header; ``POST /api/auth/token/refresh/`` reads a
refresh token from the body. Each attack is built from a real token of the kind
the door expects, then spoiled in one way only.
"""

import base64
import json
from collections.abc import Callable
from datetime import timedelta

import jwt
import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import Token

from shop.users.serializers import ActiveUserTokenObtainPairSerializer

pytestmark = pytest.mark.django_db

ME_URL = "/api/auth/me/"
REFRESH_URL = "/api/auth/token/refresh/"

ANOTHER_SECRET = "not-the-shop-secret-but-long-enough-for-hs256-0123456789"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_of(user, kind: str) -> Token:
    refresh = ActiveUserTokenObtainPairSerializer.get_token(user)
    return refresh.access_token if kind == "access" else refresh


def other_kind(kind: str) -> str:
    return "refresh" if kind == "access" else "access"


# --- The attacks: (user, the kind of token the endpoint expects) -> the token sent ---------


def tampered_signature(user, kind: str) -> str:
    header, payload, signature = str(token_of(user, kind)).split(".")
    # The first character: the last one of an HS256 signature carries 2 unused bits,
    # so changing it may leave the decoded signature, and so the token, valid.
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    return f"{header}.{payload}.{flipped}"


def alg_none(user, kind: str, alg: str = "none") -> str:
    _, payload, _ = str(token_of(user, kind)).split(".")
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{header}.{payload}."


def expired(user, kind: str) -> str:
    token = token_of(user, kind)
    token.set_exp(lifetime=timedelta(minutes=-1))
    return str(token)


def wrong_type(user, kind: str) -> str:
    return str(token_of(user, other_kind(kind)))


def signed_with_another_secret(user, kind: str) -> str:
    payload = dict(token_of(user, kind).payload)
    return jwt.encode(payload, ANOTHER_SECRET, algorithm="HS256")


def garbage(user, kind: str) -> str:
    return "garbage"


def garbage_in_three_parts(user, kind: str) -> str:
    return "not.a.jwt"


def of_a_deleted_user(user, kind: str) -> str:
    token = str(token_of(user, kind))
    user.delete()
    return token


def of_a_deactivated_user(user, kind: str) -> str:
    token = str(token_of(user, kind))
    user.is_active = False
    user.save(update_fields=["is_active"])
    return token


ATTACKS: dict[str, Callable] = {
    "tampered-signature": tampered_signature,
    "alg-none": alg_none,
    "alg-None-capitalised": lambda user, kind: alg_none(user, kind, alg="None"),
    "expired": expired,
    "wrong-type": wrong_type,
    "signed-with-another-secret": signed_with_another_secret,
    "garbage": garbage,
    "garbage-in-three-parts": garbage_in_three_parts,
    "deleted-user": of_a_deleted_user,
    "deactivated-user": of_a_deactivated_user,
}


def assert_401_json(response) -> None:
    assert response.status_code == 401, (
        f"answered {response.status_code}, expected 401: {response.content[:300]!r}"
    )
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("detail"), str)
    assert isinstance(body.get("code"), str)


# --- GET /api/auth/me/ ---------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS, ids=str)
def test_me_refuses_the_token_with_401(api_client: APIClient, user, attack):
    token = ATTACKS[attack](user, "access")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_401_json(api_client.get(ME_URL))


def test_me_refuses_an_empty_bearer_with_401(api_client: APIClient, db):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer ")

    assert_401_json(api_client.get(ME_URL))


def test_me_still_accepts_the_unspoilt_token(api_client: APIClient, user):
    """The attacks above fail because of what they spoil, not because tokens never work."""
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_of(user, 'access')}")

    assert api_client.get(ME_URL).status_code == 200


# --- POST /api/auth/token/refresh/ -----------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS, ids=str)
def test_refresh_refuses_the_token_with_401(api_client: APIClient, user, attack):
    token = ATTACKS[attack](user, "refresh")

    assert_401_json(api_client.post(REFRESH_URL, {"refresh": token}, format="json"))


def test_refresh_ignores_a_bearer_header_and_still_wants_a_refresh_token(
    api_client: APIClient, user
):
    """A valid access token in the header does not stand in for the refresh token."""
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_of(user, 'access')}")

    response = api_client.post(REFRESH_URL, {"refresh": "garbage"}, format="json")

    assert_401_json(response)


def test_refresh_still_accepts_the_unspoilt_token(api_client: APIClient, user):
    response = api_client.post(
        REFRESH_URL, {"refresh": str(token_of(user, "refresh"))}, format="json"
    )

    assert response.status_code == 200
