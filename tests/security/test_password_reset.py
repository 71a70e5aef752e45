"""A way out of a leaked password or a stolen token: reset by email, change when logged in.

Before, there was neither (issue 20): a forgotten password was a lost account, and
someone holding a stolen refresh token could not be shut out by the owner. Now a
reset link (its own generator and salt, never ``default_token_generator``) works
once, dies when the password changes, expires after ``PASSWORD_RESET_TIMEOUT``,
verifies the address, and ends every token issued before; so does a change.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from rest_framework.test import APIClient

from shop.users.models import User
from shop.users.serializers import ActiveUserTokenObtainPairSerializer
from testing.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = "/api/auth/password-reset/"
CONFIRM_URL = "/api/auth/password-reset/confirm/"
CHANGE_URL = "/api/auth/password/"
NEW_PASSWORD = "a fresh and sturdy passphrase"


@pytest.fixture
def ask_reset(api_client, django_capture_on_commit_callbacks):
    def post(email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(RESET_URL, {"email": email}, format="json")

    return post


def reset_link_in(message) -> dict[str, str]:
    """The ``{uid, token}`` of the link in a reset email, which follows PASSWORD_RESET_URL."""
    pattern = (
        re.escape(settings.PASSWORD_RESET_URL)
        .replace(re.escape("{uid}"), r"(?P<uid>[A-Za-z0-9_-]+)")
        .replace(re.escape("{token}"), r"(?P<token>[A-Za-z0-9-]+)")
    )
    match = re.search(pattern, message.body)
    assert match, f"expected a link following PASSWORD_RESET_URL in:\n{message.body}"
    return match.groupdict()


def confirm(link: dict[str, str], password: str = NEW_PASSWORD):
    return APIClient().post(CONFIRM_URL, {**link, "password": password}, format="json")


def tokens_for(user) -> tuple[str, str]:
    refresh = ActiveUserTokenObtainPairSerializer.get_token(user)
    return str(refresh), str(refresh.access_token)


def refreshes(refresh: str) -> bool:
    response = APIClient().post("/api/auth/token/refresh/", {"refresh": refresh}, format="json")
    return response.status_code == 200


def opens_me(access: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/auth/me/").status_code == 200


def logs_in(user, password: str) -> bool:
    response = APIClient().post(
        "/api/auth/token/", {"email": user.email, "password": password}, format="json"
    )
    return response.status_code == 200


# --- Reset ---------------------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_by_the_emailed_link(ask_reset, user, mailoutbox):
    response = ask_reset(user.email.upper())

    assert response.status_code == 202, f"asking for a reset answered {response.status_code}"
    assert [message.to for message in mailoutbox] == [[user.email]]
    answer = confirm(reset_link_in(mailoutbox[0]))
    assert answer.status_code == 200, f"following the link answered {answer.status_code}"
    assert logs_in(user, NEW_PASSWORD), "the new password does not log in"
    assert not logs_in(user, DEFAULT_PASSWORD), "the old password still logs in"


def test_a_reset_link_works_once(ask_reset, user, mailoutbox):
    ask_reset(user.email)
    link = reset_link_in(mailoutbox[0])
    confirm(link)

    again = confirm(link, password="yet another passphrase 2")

    assert (again.status_code, again.json().get("code")) == (400, "invalid_token"), (
        f"a used link answered {again.status_code} {again.json()}, expected 400 invalid_token"
    )
    assert logs_in(user, NEW_PASSWORD)


def test_a_reset_link_dies_when_the_password_changes(ask_reset, user, mailoutbox):
    ask_reset(user.email)
    link = reset_link_in(mailoutbox[0])
    user.set_password("changed some other way, 1")
    user.save()

    response = confirm(link)

    assert (response.status_code, response.json().get("code")) == (400, "invalid_token")


def test_a_reset_link_expires_after_password_reset_timeout(ask_reset, user, mailoutbox, clock):
    ask_reset(user.email)
    link = reset_link_in(mailoutbox[0])
    clock.advance(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)

    response = confirm(link)

    assert (response.status_code, response.json().get("code")) == (400, "invalid_token"), (
        f"a link older than PASSWORD_RESET_TIMEOUT answered {response.status_code}"
    )


def test_a_reset_verifies_a_pending_address(ask_reset, unverified_user, mailoutbox):
    ask_reset(unverified_user.email)

    confirm(reset_link_in(mailoutbox[0]))

    unverified_user.refresh_from_db()
    assert unverified_user.is_active
    assert unverified_user.email_verified_at is not None
    assert logs_in(unverified_user, NEW_PASSWORD)


def test_a_completed_reset_ends_every_earlier_token(ask_reset, user, mailoutbox):
    """The thief's tokens from before the reset, refresh and access alike."""
    stolen_refresh, stolen_access = tokens_for(user)
    ask_reset(user.email)

    confirm(reset_link_in(mailoutbox[0]))

    assert not refreshes(stolen_refresh), "a refresh token from before the reset still refreshes"
    assert not opens_me(stolen_access), "an access token from before the reset still works"


def test_a_reset_link_is_not_made_by_djangos_default_generator(ask_reset, user, mailoutbox):
    """One purpose, one salt: a verification or reset token never opens the other door."""
    ask_reset(user.email)
    link = reset_link_in(mailoutbox[0])

    assert not default_token_generator.check_token(user, link["token"])
    forged = {"uid": link["uid"], "token": default_token_generator.make_token(user)}
    assert confirm(forged).status_code == 400


def test_asking_for_a_reset_answers_the_same_for_any_address(ask_reset, user, unverified_user):
    answers = {
        name: (response.status_code, response.content)
        for name, response in {
            "verified": ask_reset(user.email),
            "pending": ask_reset(unverified_user.email),
            "unknown": ask_reset("nobody@example.com"),
        }.items()
    }

    assert len(set(answers.values())) == 1, f"the answers tell who has an account: {answers}"


def test_a_reset_email_says_what_to_do_if_the_reader_did_not_ask(ask_reset, user, mailoutbox):
    ask_reset(user.email)

    assert "If you did not ask, ignore this email" in mailoutbox[0].body


def test_reset_emails_to_one_address_are_one_per_interval(ask_reset, user, mailoutbox):
    for _ in range(4):
        ask_reset(user.email)

    assert len(mailoutbox) == 1, f"4 reset requests sent {len(mailoutbox)} emails"


# --- Change ----------------------------------------------------------------------------------


def change(access: str, current: str, new: str = NEW_PASSWORD):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.post(
        CHANGE_URL, {"current_password": current, "new_password": new}, format="json"
    )


def test_a_password_change_ends_every_earlier_token_the_one_sent_included(user):
    other_refresh, other_access = tokens_for(user)  # another device's, or a thief's
    refresh, access = tokens_for(user)

    response = change(access, DEFAULT_PASSWORD)

    assert response.status_code == 204, f"the change answered {response.status_code}"
    assert logs_in(user, NEW_PASSWORD)
    assert not any(refreshes(token) for token in (refresh, other_refresh))
    assert not any(opens_me(token) for token in (access, other_access))


def test_a_password_change_needs_the_current_password(user):
    _, access = tokens_for(user)

    response = change(access, "not the password")

    assert response.status_code == 400
    assert list(response.json()) == ["current_password"]
    assert User.objects.get(pk=user.pk).check_password(DEFAULT_PASSWORD)


def test_wrong_current_passwords_count_towards_the_accounts_lockout(user):
    """A stolen access token must not be a way to guess the password."""
    _, access = tokens_for(user)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        change(access, f"guess {attempt}")

    response = change(access, DEFAULT_PASSWORD)

    assert response.status_code == 429
    assert User.objects.get(pk=user.pk).check_password(DEFAULT_PASSWORD)


def test_a_password_change_refuses_a_weak_password(user):
    _, access = tokens_for(user)

    response = change(access, DEFAULT_PASSWORD, new="password")

    assert response.status_code == 400
    assert list(response.json()) == ["new_password"]


def test_a_reset_refuses_a_weak_password_and_the_link_still_works(ask_reset, user, mailoutbox):
    ask_reset(user.email)
    link = reset_link_in(mailoutbox[0])

    weak = confirm(link, password="12345678")

    assert weak.status_code == 400
    assert list(weak.json()) == ["password"]
    assert confirm(link).status_code == 200


def test_a_reset_link_for_a_deactivated_account_is_never_sent(ask_reset, mailoutbox):
    banned = UserFactory(is_active=False)

    ask_reset(banned.email)

    assert mailoutbox == []
