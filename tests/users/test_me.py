"""GET /api/auth/me/ with ``Authorization: Bearer <access token>``."""

import pytest

from shop.users.serializers import ActiveUserTokenObtainPairSerializer

pytestmark = pytest.mark.django_db

ME_URL = "/api/auth/me/"


def test_me_answers_200_with_the_id_email_and_is_staff(client_for, user):
    response = client_for(user).get(ME_URL)

    assert response.status_code == 200
    assert response.json() == {"id": user.pk, "email": user.email, "is_staff": False}


def test_me_tells_staff_they_are_staff(client_for, staff_user):
    response = client_for(staff_user).get(ME_URL)

    assert response.json()["is_staff"] is True


def test_me_answers_401_without_a_token(api_client):
    response = api_client.get(ME_URL)

    assert response.status_code == 401, "no credentials is 401, not 403"
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_me_answers_401_for_a_user_deactivated_since_the_token_was_issued(client_for, user):
    client = client_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(ME_URL)

    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_me_answers_401_for_a_user_deleted_since_the_token_was_issued(client_for, user):
    client = client_for(user)
    user.delete()

    response = client.get(ME_URL)

    assert response.status_code == 401
    assert response.json()["code"] == "user_not_found"


def test_me_answers_401_for_a_tampered_token(api_client, user, staff_user):
    """The customer's signature on the staff member's claims: the signature check fails."""
    mine = ActiveUserTokenObtainPairSerializer.get_token(user).access_token
    theirs = ActiveUserTokenObtainPairSerializer.get_token(staff_user).access_token
    header, _, signature = str(mine).split(".")
    _, payload, _ = str(theirs).split(".")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {header}.{payload}.{signature}")

    response = api_client.get(ME_URL)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_me_answers_401_for_a_refresh_token_used_as_a_bearer_token(api_client, user):
    refresh = ActiveUserTokenObtainPairSerializer.get_token(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh}")

    response = api_client.get(ME_URL)

    assert response.status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer a b", "Token abc", "Bearer garbage"], ids=str.lower
)
def test_me_answers_401_for_a_malformed_authorization_header(api_client, db, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)

    response = api_client.get(ME_URL)

    assert response.status_code == 401
