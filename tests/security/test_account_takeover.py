"""Registration gives nothing away, and an address cannot be squatted (issue 20).

Before: register answered 400 "already exists" for a taken address and 201 for a new
one, in 8 ms against 352 ms (a new address's password was hashed, a taken one's not),
so anyone could list who has an account. And an attacker could register the
victim's address with the attacker's password (pre-hijacking, Sudhodanan & Paverd,
USENIX Security 2022): the victim's own registration was refused, and if the victim
then verified the address, the attacker logged in as the victim for good.

Now register answers 202 with one body for every address, hashing the password
either way; a pending or taken address gets a password-reset link, and following it
gives the account to whoever reads the mailbox and ends the squatter's every token.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from rest_framework.test import APIClient

from shop.users.models import User
from testing.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.com"
ATTACKERS_PASSWORD = "the attacker's own passphrase"
VICTIMS_PASSWORD = "the victim's own passphrase"


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """``post(url, body)``: a stranger's request, its emails sent after the commit."""

    def send(url: str, body: dict, client: APIClient | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or APIClient()).post(url, body, format="json")

    return send


def register(post, email: str, password: str):
    return post("/api/auth/register/", {"email": email, "password": password})


def link_in(message, template: str) -> dict[str, str]:
    pattern = (
        re.escape(template)
        .replace(re.escape("{uid}"), r"(?P<uid>[A-Za-z0-9_-]+)")
        .replace(re.escape("{token}"), r"(?P<token>[A-Za-z0-9-]+)")
    )
    match = re.search(pattern, message.body)
    assert match, f"expected a link following {template!r} in:\n{message.body}"
    return match.groupdict()


def log_in(email: str, password: str):
    return APIClient().post("/api/auth/token/", {"email": email, "password": password})


# --- No enumeration -----------------------------------------------------------------------------


def test_register_answers_the_same_for_a_new_a_pending_and_a_verified_address(post):
    UserFactory(email="pending@example.com", unverified=True)
    UserFactory(email="verified@example.com")

    answers = {
        email: (response.status_code, response.content)
        for email in ("new@example.com", "pending@example.com", "verified@example.com")
        for response in [register(post, email, VICTIMS_PASSWORD)]
    }

    assert len(set(answers.values())) == 1, (
        f"register told a stranger which addresses have an account: {answers}"
    )


def test_register_hashes_the_password_once_whoever_holds_the_address(post, monkeypatch):
    """The same work either way, so the time taken tells nothing (it was 8 ms against 352)."""
    hashed = []
    real_encode = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher,
        "encode",
        lambda self, password, salt: hashed.append(password) or real_encode(self, password, salt),
    )
    UserFactory(email="pending@example.com", unverified=True)
    UserFactory(email="verified@example.com")

    counts = {}
    for email in ("new@example.com", "pending@example.com", "verified@example.com"):
        hashed.clear()
        register(post, email, VICTIMS_PASSWORD)
        counts[email] = len(hashed)

    assert set(counts.values()) == {1}, (
        f"passwords hashed per registration: {counts}, expected 1 for each address"
    )


# --- No pre-hijacking ---------------------------------------------------------------------------


def test_the_owner_takes_back_an_address_squatted_before_they_registered(post, mailoutbox):
    register(post, VICTIM, ATTACKERS_PASSWORD)  # the attacker, first
    mailoutbox.clear()  # the verification email went to the victim's mailbox, unread

    answer = register(post, VICTIM, VICTIMS_PASSWORD)  # the victim, later

    assert answer.status_code == 202, f"the victim's registration answered {answer.status_code}"
    assert [message.to for message in mailoutbox] == [[VICTIM]], "the victim got no email"
    link = link_in(mailoutbox[0], settings.PASSWORD_RESET_URL)
    set_password = post("/api/auth/password-reset/confirm/", {**link, "password": VICTIMS_PASSWORD})
    assert set_password.status_code == 200
    assert log_in(VICTIM, VICTIMS_PASSWORD).status_code == 200, "the owner cannot log in"
    assert log_in(VICTIM, ATTACKERS_PASSWORD).status_code == 401, "the squatter still can"
    assert User.objects.count() == 1


def test_a_squatter_who_got_in_is_shut_out_by_the_owners_reset(post, mailoutbox):
    """The victim verified the squatted account from a resent link: the attacker logs in."""
    register(post, VICTIM, ATTACKERS_PASSWORD)
    verification = link_in(mailoutbox[-1], settings.EMAIL_VERIFICATION_URL)
    post("/api/auth/verify-email/", verification)  # the victim clicks
    attackers = log_in(VICTIM, ATTACKERS_PASSWORD).json()
    mailoutbox.clear()

    register(post, VICTIM, VICTIMS_PASSWORD)  # the victim cannot log in, so registers
    reset = link_in(mailoutbox[0], settings.PASSWORD_RESET_URL)
    post("/api/auth/password-reset/confirm/", {**reset, "password": VICTIMS_PASSWORD})

    refreshed = post("/api/auth/token/refresh/", {"refresh": attackers["refresh"]})
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {attackers['access']}")
    assert refreshed.status_code == 401, "the squatter's refresh token outlived the reset"
    assert me.get("/api/auth/me/").status_code == 401, "the squatter's access token did too"
    assert log_in(VICTIM, ATTACKERS_PASSWORD).status_code == 401


def test_a_taken_address_gets_a_reset_link_that_says_someone_tried_to_register(post, mailoutbox):
    owner = UserFactory(email=VICTIM)

    register(post, VICTIM, ATTACKERS_PASSWORD)

    [message] = mailoutbox
    assert message.to == [VICTIM]
    assert "tried to register" in message.body
    assert "If it was not you, ignore this email" in message.body
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD), "registering again changed the password"


def test_the_verification_email_says_what_to_do_if_the_reader_did_not_register(post, mailoutbox):
    register(post, "new@example.com", VICTIMS_PASSWORD)

    assert "Did not register? Ignore this email" in mailoutbox[0].body


def test_registering_a_taken_address_again_and_again_sends_one_email(post, mailoutbox):
    UserFactory(email=VICTIM)

    for _ in range(5):
        register(post, VICTIM, ATTACKERS_PASSWORD)

    assert len(mailoutbox) == 1, f"5 registrations of a taken address sent {len(mailoutbox)}"
