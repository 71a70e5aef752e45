"""POST /api/auth/verify-email/ {uid, token} (api.md, Identity; pattern 03)."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from shop.users.tokens import email_verification_token
from testing.concurrency import Rendezvous, run_concurrently
from testing.factories import UserFactory
from testing.preconditions import require

pytestmark = pytest.mark.django_db

VERIFY_URL = "/api/auth/verify-email/"
VERIFICATION_TIMEOUT = settings.EMAIL_VERIFICATION_TIMEOUT
INVALID_TOKEN = {
    "detail": "This verification link is invalid, expired or already used.",
    "code": "invalid_token",
}


def uid_of(pk: int) -> str:
    return urlsafe_base64_encode(force_bytes(pk))


@pytest.fixture
def advance_clock(monkeypatch):
    """``advance_clock(seconds)``: the verification generator's clock jumps forward."""

    def advance(seconds: int) -> None:
        later = datetime.now() + timedelta(seconds=seconds)
        monkeypatch.setattr(email_verification_token, "_now", lambda: later)

    return advance


# --- Success -------------------------------------------------------------------


def test_verify_email_answers_200_and_activates_the_account(
    api_client, unverified_user, verification_for
):
    response = api_client.post(VERIFY_URL, verification_for(unverified_user), format="json")

    assert response.status_code == 200
    assert response.json() == {"detail": "Email verified."}
    unverified_user.refresh_from_db()
    assert unverified_user.is_active is True


def test_verify_email_accepts_a_link_shortly_before_it_expires(
    api_client, unverified_user, verification_for, advance_clock
):
    body = verification_for(unverified_user)
    advance_clock(VERIFICATION_TIMEOUT - 60)

    response = api_client.post(VERIFY_URL, body, format="json")

    assert response.status_code == 200


# --- Refused: invalid, expired or already used ------------------------------------


def assert_refused(response, user=None) -> None:
    assert response.status_code == 400
    assert response.json() == INVALID_TOKEN
    if user is not None:
        user.refresh_from_db()
        assert user.is_active is False, "a refused token activated the account"


@pytest.mark.parametrize(
    "uid",
    [
        "garbage",
        "!!!",
        urlsafe_base64_encode(b"\xff\xfe"),  # not UTF-8
        urlsafe_base64_encode(b"-1"),
        urlsafe_base64_encode(b"9" * 30),  # beyond any integer column
        urlsafe_base64_encode(b"1; DROP TABLE users_user"),
    ],
    ids=["letters", "punctuation", "not-utf8", "negative", "huge", "sql"],
)
def test_verify_email_refuses_a_garbage_uid(api_client, unverified_user, verification_for, uid):
    body = {**verification_for(unverified_user), "uid": uid}

    assert_refused(api_client.post(VERIFY_URL, body, format="json"), unverified_user)


@pytest.mark.parametrize("token", ["garbage", "abc-def", "zzzzzzzzzzzzzzzz-0", "-", "1-2-3"])
def test_verify_email_refuses_a_garbage_token(api_client, unverified_user, token):
    body = {"uid": uid_of(unverified_user.pk), "token": token}

    assert_refused(api_client.post(VERIFY_URL, body, format="json"), unverified_user)


def test_verify_email_refuses_the_uid_of_a_user_that_does_not_exist(
    api_client, unverified_user, verification_for
):
    body = {**verification_for(unverified_user), "uid": uid_of(unverified_user.pk + 1000)}

    assert_refused(api_client.post(VERIFY_URL, body, format="json"))


def test_verify_email_refuses_a_token_made_for_another_user(api_client, verification_for):
    ann, bob = UserFactory.create_batch(2, unverified=True)
    body = {"uid": uid_of(bob.pk), "token": verification_for(ann)["token"]}

    assert_refused(api_client.post(VERIFY_URL, body, format="json"), bob)


def test_verify_email_refuses_a_token_used_twice(api_client, unverified_user, verification_for):
    body = verification_for(unverified_user)
    first = api_client.post(VERIFY_URL, body, format="json")

    second = api_client.post(VERIFY_URL, body, format="json")

    assert first.status_code == 200
    assert_refused(second)


def test_a_used_token_stays_used_after_the_account_is_deactivated(
    api_client, unverified_user, verification_for
):
    """A token works once (api.md), even when staff later deactivate the account.

    A token hashing only ``is_active`` would match again once deactivation puts
    it back to False, and the old link would reactivate a banned account; ours
    hashes ``email_verified_at``, which deactivation leaves alone.
    """
    body = verification_for(unverified_user)
    assert api_client.post(VERIFY_URL, body, format="json").status_code == 200
    unverified_user.is_active = False  # staff deactivate the account
    unverified_user.save(update_fields=["is_active"])

    response = api_client.post(VERIFY_URL, body, format="json")

    assert response.status_code == 400, (
        "an already used verification link answered "
        f"{response.status_code} and reactivated a deactivated account"
    )
    unverified_user.refresh_from_db()
    assert unverified_user.is_active is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres(reason="a row lock decides which click verifies")
def test_two_clicks_on_one_link_at_once_verify_once(verification_for):
    """A double click sends the link twice at once: one 200, one 400 (a token works once).

    Each request is held right after it reads the account. Without the row lock both
    read it unverified, both check the token, both answer 200; with it, the second
    waits for the first's commit, then reads the account verified: its token is dead.
    """
    user = UserFactory(unverified=True)
    body = verification_for(user)

    def click():
        return APIClient().post(VERIFY_URL, body, format="json")

    responses = run_concurrently(
        [click, click], Rendezvous(2).after_first_statement('"users_user"'), lanes="click"
    )

    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [200, 400], (
        f"clicked one verification link twice at once, got {statuses}, expected one 200 and one 400"
    )


def test_a_link_made_before_a_key_rotation_still_works(
    api_client, unverified_user, verification_for, settings
):
    """Rotating SECRET_KEY keeps the old one in SECRET_KEY_FALLBACKS: links already in
    inboxes go on working until they expire, instead of dying all at once."""
    old_key = settings.SECRET_KEY
    body = verification_for(unverified_user)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "rotated-" + "k" * 50, []
    require(
        not email_verification_token.check_token(unverified_user, body["token"]),
        "the rotation changed the key: without a fallback the old link dies",
    )
    settings.SECRET_KEY_FALLBACKS = [old_key]

    response = api_client.post(VERIFY_URL, body, format="json")

    assert response.status_code == 200, (
        f"verified a link made before the key rotation, got {response.status_code}, "
        "expected 200 with the old key in SECRET_KEY_FALLBACKS"
    )


def test_verify_email_refuses_an_expired_token(
    api_client, unverified_user, verification_for, advance_clock
):
    body = verification_for(unverified_user)
    advance_clock(VERIFICATION_TIMEOUT + 1)

    assert_refused(api_client.post(VERIFY_URL, body, format="json"), unverified_user)


def test_verify_email_refuses_a_token_stamped_before_the_timeout(api_client, unverified_user):
    generator = email_verification_token
    now = generator._num_seconds(generator._now())
    stamped = now - VERIFICATION_TIMEOUT - 1
    token = generator._make_token_with_timestamp(unverified_user, stamped, generator.secret)
    body = {"uid": uid_of(unverified_user.pk), "token": token}

    assert_refused(api_client.post(VERIFY_URL, body, format="json"), unverified_user)


@pytest.mark.parametrize(
    ("password_reset_timeout", "age", "expected_status"),
    [
        (30 * 24 * 3600, VERIFICATION_TIMEOUT + 3600, 400),
        (3600, 2 * 3600, 200),
    ],
    ids=["longer-reset-timeout-must-not-extend-it", "shorter-reset-timeout-must-not-cut-it"],
)
def test_verification_links_expire_after_email_verification_timeout_not_password_reset_timeout(
    api_client,
    unverified_user,
    verification_for,
    advance_clock,
    settings,
    password_reset_timeout,
    age,
    expected_status,
):
    settings.PASSWORD_RESET_TIMEOUT = password_reset_timeout
    body = verification_for(unverified_user)
    advance_clock(age)

    response = api_client.post(VERIFY_URL, body, format="json")

    assert response.status_code == expected_status, (
        f"a verification link {age} s old, with EMAIL_VERIFICATION_TIMEOUT="
        f"{VERIFICATION_TIMEOUT} and PASSWORD_RESET_TIMEOUT="
        f"{password_reset_timeout}, answered {response.status_code}, expected {expected_status}: "
        "Django's check_token reads PASSWORD_RESET_TIMEOUT, and the generator's "
        "self.timeout is never consulted"
    )


# --- Kept apart from password reset -------------------------------------------------


def test_verify_email_refuses_a_password_reset_token(api_client, unverified_user):
    body = {
        "uid": uid_of(unverified_user.pk),
        "token": default_token_generator.make_token(unverified_user),
    }

    assert_refused(api_client.post(VERIFY_URL, body, format="json"), unverified_user)


def test_verification_tokens_have_their_own_salt():
    """Tokens from generators sharing a salt differ only by what they hash: keep them apart."""
    assert email_verification_token.key_salt != default_token_generator.key_salt


def test_a_verification_token_is_not_a_password_reset_token(unverified_user):
    token = email_verification_token.make_token(unverified_user)

    assert default_token_generator.check_token(unverified_user, token) is False, (
        "the password-reset generator accepted a verification token: the two need separate salts"
    )


# --- Bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "missing"),
    [({}, {"uid", "token"}), ({"uid": "MQ"}, {"token"}), ({"token": "abc-def"}, {"uid"})],
    ids=["empty", "no-token", "no-uid"],
)
def test_verify_email_refuses_missing_fields(api_client, body, missing):
    response = api_client.post(VERIFY_URL, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == missing


@pytest.mark.parametrize(
    "body",
    [
        {"uid": None, "token": None},
        {"uid": ["MQ"], "token": ["abc-def"]},
        {"uid": {"a": 1}, "token": "abc-def"},
        {"uid": "M" * 65, "token": "abc-def"},
        {"uid": "MQ", "token": "a" * 129},
    ],
    ids=["nulls", "lists", "object", "uid-too-long", "token-too-long"],
)
def test_verify_email_refuses_wrongly_typed_or_overlong_fields(api_client, unverified_user, body):
    response = api_client.post(VERIFY_URL, body, format="json")

    assert response.status_code == 400
    unverified_user.refresh_from_db()
    assert unverified_user.is_active is False
