"""POST /api/auth/token/refresh/ {refresh} (api.md, Identity; pattern 03)."""

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from shop.users.serializers import ActiveUserTokenObtainPairSerializer

pytestmark = pytest.mark.django_db

REFRESH_URL = "/api/auth/token/refresh/"


def refresh_token_for(user) -> str:
    return str(ActiveUserTokenObtainPairSerializer.get_token(user))


def refresh(client, token: str):
    return client.post(REFRESH_URL, {"refresh": token}, format="json")


def test_refresh_answers_200_with_a_new_pair_of_tokens(api_client, user):
    sent = refresh_token_for(user)

    response = refresh(api_client, sent)

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert response.json()["refresh"] != sent


def test_the_refreshed_access_token_keeps_the_email_and_is_staff_claims(api_client, staff_user):
    access = AccessToken(refresh(api_client, refresh_token_for(staff_user)).json()["access"])

    assert (access["email"], access["is_staff"]) == (staff_user.email, True)


def test_refresh_answers_401_when_the_user_was_deactivated_since(api_client, user):
    token = refresh_token_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = refresh(api_client, token)

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


def test_refresh_answers_401_not_500_when_the_user_was_deleted_since(api_client, user):
    """simplejwt 5.5.1 lets ``User.DoesNotExist`` escape here (upstream issue #860)."""
    token = refresh_token_for(user)
    user.delete()

    response = refresh(api_client, token)

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


@pytest.mark.parametrize(
    "token",
    ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJ1c2VyX2lkIjoiMSJ9."],
    ids=["word", "three-parts", "alg-none"],
)
def test_refresh_refuses_a_garbage_token_with_401(api_client, db, token):
    response = refresh(api_client, token)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_refresh_refuses_an_access_token_with_401(api_client, user):
    access = str(ActiveUserTokenObtainPairSerializer.get_token(user).access_token)

    response = refresh(api_client, access)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_refresh_refuses_a_tampered_token_with_401(api_client, user, staff_user):
    header, _, signature = refresh_token_for(user).split(".")
    _, payload, _ = refresh_token_for(staff_user).split(".")

    response = refresh(api_client, f"{header}.{payload}.{signature}")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [({}, "This field is required."), ({"refresh": ""}, "This field may not be blank.")],
    ids=["missing", "blank"],
)
def test_refresh_refuses_a_body_without_a_token_with_400(api_client, db, body, message):
    response = api_client.post(REFRESH_URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"refresh": [message]}
