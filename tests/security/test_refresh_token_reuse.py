"""A refresh token sent twice ends its login; no login outlives REFRESH_TOKEN_SESSION_LIFETIME.

Before (issue 20): a rotated refresh token sent again got a 401, but its successor
kept working, whoever held it; and every rotation granted 7 fresh days, so a stolen
token lived for ever. Now each token of a login carries the login's id (``sid``)
and start (``auth_time``). A token sent a second time is a theft signal (RFC 9700,
4.14.2): nobody can tell the thief's request from the owner's, so the whole login
ends, access tokens too; the owner logs in again, the thief cannot. And every
token of a login ends ``REFRESH_TOKEN_SESSION_LIFETIME`` after the login.
"""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from testing.concurrency import Rendezvous, run_concurrently
from testing.factories import DEFAULT_PASSWORD, UserFactory

REFRESH_URL = "/api/auth/token/refresh/"
LIFETIME = timedelta(days=30)  # REFRESH_TOKEN_SESSION_LIFETIME's default (api.md)


def log_in(user) -> dict[str, str]:
    response = APIClient().post(
        "/api/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200, f"could not log in: {response.status_code}"
    return response.json()


def refresh(token: str):
    return APIClient().post(REFRESH_URL, {"refresh": token}, format="json")


def opens_me(access: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/auth/me/").status_code == 200


@pytest.mark.django_db
def test_a_rotated_token_sent_again_ends_every_token_of_its_login(user):
    stolen = log_in(user)["refresh"]
    owners = refresh(stolen).json()  # the owner refreshes; the thief kept the old one

    replay = refresh(stolen)  # the thief

    assert replay.status_code == 401
    assert refresh(owners["refresh"]).status_code == 401, (
        "a rotated token came back, and the token rotated from it still refreshes: "
        "whoever holds it (the thief, if the owner was the one who replayed) stays in"
    )
    assert not opens_me(owners["access"]), "the login's access token outlived the reuse"


@pytest.mark.django_db
def test_the_reuse_ends_only_its_own_login(user):
    phone, laptop = log_in(user), log_in(user)
    refresh(phone["refresh"])

    refresh(phone["refresh"])  # the phone's login ends

    assert refresh(laptop["refresh"]).status_code == 200, "another login of the user ended too"


def refreshed_until_just_before_the_login_ends(token: str, clock, *, seconds_left: int) -> dict:
    """Refresh every 6 days (each token lives 7), then once ``seconds_left`` before the end."""
    lifetime = LIFETIME.total_seconds()
    elapsed = 0
    while elapsed + 6 * 86400 < lifetime - seconds_left:
        clock.advance(days=6)
        elapsed += 6 * 86400
        answer = refresh(token)
        assert answer.status_code == 200, f"the refresh after {elapsed / 86400:.0f} days failed"
        token = answer.json()["refresh"]
    clock.advance(seconds=lifetime - seconds_left - elapsed)
    answer = refresh(token)
    assert answer.status_code == 200, f"the refresh {seconds_left} s before the end failed"
    return answer.json()


@pytest.mark.django_db
def test_no_token_outlives_the_session_lifetime_however_often_it_rotates(user, clock):
    tokens = refreshed_until_just_before_the_login_ends(
        log_in(user)["refresh"], clock, seconds_left=60
    )
    clock.advance(seconds=61)

    response = refresh(tokens["refresh"])

    assert response.status_code == 401, (
        f"a login older than REFRESH_TOKEN_SESSION_LIFETIME "
        f"({LIFETIME.days} days) still refreshed, with a token "
        f"rotated a minute before (got {response.status_code}): rotation must not extend a login"
    )
    assert not opens_me(tokens["access"]), "an access token outlived its login"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres(reason="row locks")
def test_a_thief_and_the_owner_refreshing_one_token_at_once_both_lose_the_login():
    """The race, forced: the second request arrives while the first holds the token's row."""
    user = UserFactory()
    token = log_in(user)["refresh"]
    rendezvous = Rendezvous(2).after_first_statement(
        "FOR UPDATE", '"token_blacklist_outstandingtoken"'
    )

    results = run_concurrently([lambda: refresh(token), lambda: refresh(token)], rendezvous)

    crashed = [r for r in results if isinstance(r, BaseException)]
    if crashed:
        pytest.fail(f"a request crashed instead of answering: {crashed!r}")
    statuses = sorted(response.status_code for response in results)
    assert statuses == [200, 401], f"two refreshes with one token at once answered {statuses}"
    [winner] = [response.json() for response in results if response.status_code == 200]
    assert refresh(winner["refresh"]).status_code == 401, (
        "the token one of the two got back still refreshes: the thief may be the one who won"
    )
    assert not opens_me(winner["access"])
