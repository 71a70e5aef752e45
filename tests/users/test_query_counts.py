"""The identity endpoints run a fixed, small number of queries."""

import pytest

from testing.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_me_reads_the_user_once(client_for, user, django_assert_num_queries):
    client = client_for(user)

    with django_assert_num_queries(1):
        assert client.get("/api/auth/me/").status_code == 200


def test_login_reads_the_user_once_and_records_the_login_and_its_refresh_token(
    api_client, user, django_assert_num_queries
):
    # django-axes counts the failures of the client's address and of the account (two
    # sums); the user; the INSERTs record the login and the refresh token's id, so that
    # either can be revoked.
    with django_assert_num_queries(5):
        response = api_client.post(
            "/api/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD}
        )

    assert response.status_code == 200


def test_register_checks_the_address_then_inserts(api_client, django_assert_num_queries):
    # SAVEPOINT (the service's transaction.atomic, nested in the test's own); a look for
    # an expired unverified account to replace; the address check; SAVEPOINT, the
    # insert, RELEASE (a registration of the address at once may win); the outbox's
    # message; RELEASE.
    with django_assert_num_queries(8):
        response = api_client.post(
            "/api/auth/register/", {"email": "new@example.com", "password": "a-long-enough-pass-42"}
        )

    assert response.status_code == 202


def test_register_of_a_taken_address_updates_one_row_and_queues_one_message(
    api_client, user, django_assert_num_queries
):
    # SAVEPOINT; the expired-account look; the address check; one conditional UPDATE
    # claims the reset email's interval; the outbox's message; RELEASE.
    with django_assert_num_queries(6):
        response = api_client.post(
            "/api/auth/register/", {"email": user.email, "password": "a-long-enough-pass-42"}
        )

    assert response.status_code == 202


def test_refresh_locks_the_token_reads_its_login_revokes_it_and_records_the_new_one(
    api_client, user, django_assert_num_queries
):
    from shop.users.serializers import ActiveUserTokenObtainPairSerializer

    refresh = str(ActiveUserTokenObtainPairSerializer.get_token(user))
    # SAVEPOINT, lock the token's row, its login and user (one join), the blacklist
    # check under the lock, revoke, record the new token, RELEASE.
    with django_assert_num_queries(7):
        response = api_client.post("/api/auth/token/refresh/", {"refresh": refresh})

    assert response.status_code == 200
