"""A verification link verifies the account it was made for, and no other.

The attack: register an account, receive its link, and use the token with
another account's uid. Before the fix the token hashed ``f"{pk}{email}…"``, so
user 1 with ``2v@example.com`` and user 12 with ``v@example.com`` hashed the
same string; registering filler accounts until the ids line up is all it took.
"""

import pytest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.users import services
from shop.users.tokens import EmailVerificationTokenGenerator, email_verification_token
from testing.factories import UserFactory

pytestmark = pytest.mark.django_db

VERIFY_URL = "/api/auth/verify-email/"


class FieldsRunTogether(EmailVerificationTokenGenerator):
    """The generator before the fix, kept to show the collision is real."""

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_verified_at}{timestamp}"


COLLIDES = "fields run together: (1, '2v@…') and (12, 'v@…') hash the same"


@pytest.mark.parametrize(
    "generator",
    [
        pytest.param(
            FieldsRunTogether(),
            marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=COLLIDES),
            id="fields-run-together",
        ),
        pytest.param(email_verification_token, id="shop"),
    ],
)
def test_a_link_made_for_one_account_does_not_verify_another(api_client, monkeypatch, generator):
    monkeypatch.setattr(services, "email_verification_token", generator)
    attacker = UserFactory(pk=1, email="2v@example.com", unverified=True)
    victim = UserFactory(pk=12, email="v@example.com", unverified=True)
    attackers_link_token = generator.make_token(attacker)

    response = api_client.post(
        VERIFY_URL,
        {"uid": urlsafe_base64_encode(force_bytes(victim.pk)), "token": attackers_link_token},
        format="json",
    )

    victim.refresh_from_db()
    assert (response.status_code, victim.is_active) == (400, False), (
        f"the link made for user {attacker.pk} <{attacker.email}> was sent with the uid of "
        f"user {victim.pk} <{victim.email}>: got {response.status_code}, and the victim is "
        f"{'now active' if victim.is_active else 'still inactive'}; expected 400 and inactive"
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: user.set_password("a new password, changed"), id="password"),
        pytest.param(lambda user: setattr(user, "is_active", True), id="activated-by-staff"),
        pytest.param(lambda user: setattr(user, "email", "moved@example.com"), id="email"),
    ],
)
def test_a_link_dies_when_the_account_changes(api_client, verification_for, change):
    user = UserFactory(unverified=True)
    body = verification_for(user)
    change(user)
    user.save()

    response = api_client.post(VERIFY_URL, body, format="json")

    assert response.status_code == 400, (
        f"a link made before the account changed answered {response.status_code}, expected 400"
    )
