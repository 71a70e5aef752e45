"""Verification email can be neither a spam cannon nor a way to squat an address.

Resend used to send a mail per request to any address with an unverified
account (only the anonymous IP limit held it back); now one per address per
``EMAIL_VERIFICATION_RESEND_INTERVAL``, still answered 202 so nothing is
revealed. An unverified account used to hold its address forever; now, once
its time to verify has run out, anyone may register the address again, and
``manage.py purge_unverified`` deletes it.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from shop.users.models import User
from testing.concurrency import run_meanwhile
from testing.factories import UserFactory

RESEND_URL = "/api/auth/resend-verification/"
REGISTER_URL = "/api/auth/register/"
TIMEOUT = timedelta(seconds=settings.EMAIL_VERIFICATION_TIMEOUT)
INTERVAL = timedelta(seconds=settings.EMAIL_VERIFICATION_RESEND_INTERVAL)
PASSWORD = "a sturdy passphrase 4 tests"


@pytest.fixture
def resend(api_client, django_capture_on_commit_callbacks):
    def post(email: str):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(RESEND_URL, {"email": email}, format="json")
        assert response.status_code == 202
        return response

    return post


@pytest.fixture
def register(api_client, django_capture_on_commit_callbacks):
    def post(email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(
                REGISTER_URL, {"email": email, "password": PASSWORD}, format="json"
            )

    return post


def sent_to(address: str) -> int:
    return sum(address in message.to for message in mail.outbox)


# --- Resend: one email per address per interval ---------------------------------------------


@pytest.mark.django_db
def test_resending_again_and_again_sends_one_email(resend, unverified_user):
    for _ in range(5):
        resend(unverified_user.email)

    assert sent_to(unverified_user.email) == 1, "five resends within the interval"


@pytest.mark.django_db
def test_resend_right_after_registering_sends_nothing_more(register, resend):
    register("new@example.com")
    resend("new@example.com")

    assert sent_to("new@example.com") == 1, "the registration email, then a resend at once"


@pytest.mark.django_db
def test_resend_after_the_interval_sends_again(resend, unverified_user):
    resend(unverified_user.email)
    User.objects.filter(pk=unverified_user.pk).update(
        verification_sent_at=timezone.now() - INTERVAL - timedelta(seconds=1)
    )

    resend(unverified_user.email)

    assert sent_to(unverified_user.email) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres(reason="row locks and READ COMMITTED")
def test_two_resends_at_once_send_one_email(mailoutbox):
    user = UserFactory(unverified=True)
    resend = lambda: APIClient().post(RESEND_URL, {"email": user.email}, format="json")  # noqa: E731

    first, second = run_meanwhile(resend, before='UPDATE "users_user"', meanwhile=resend)

    assert (first.status_code, second.status_code) == (202, 202)
    assert sent_to(user.email) == 1, "two resends at once both sent"


@pytest.mark.django_db
def test_resend_for_an_expired_account_sends_nothing(resend):
    expired = UserFactory(
        unverified=True, date_joined=timezone.now() - TIMEOUT - timedelta(hours=1)
    )

    resend(expired.email)

    assert sent_to(expired.email) == 0, "a link for an account whose time to verify is over"


# --- Squatting: an expired unverified account no longer holds its address ----------------------


@pytest.mark.django_db
def test_an_expired_unverified_account_does_not_block_registration(register):
    squatter = UserFactory(
        email="Owner@Example.com",
        unverified=True,
        date_joined=timezone.now() - TIMEOUT - timedelta(hours=1),
    )

    response = register("owner@example.com")

    assert response.status_code == 202, response.json()
    assert not User.objects.filter(pk=squatter.pk).exists()
    assert list(User.objects.values_list("email", "is_active")) == [("owner@example.com", False)]
    assert sent_to("owner@example.com") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "holder",
    [
        {"unverified": True},  # still within its time to verify
        {"date_joined": timezone.now() - 10 * TIMEOUT},  # verified long ago
        {"is_active": False, "date_joined": timezone.now() - 10 * TIMEOUT},  # deactivated
    ],
    ids=["unverified-in-time", "verified", "deactivated-after-verifying"],
)
def test_other_accounts_still_hold_their_address(register, holder):
    UserFactory(email="owner@example.com", **holder)

    response = register("OWNER@example.com")

    assert response.status_code == 202
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_purge_unverified_deletes_only_expired_unverified_accounts():
    long_ago = timezone.now() - TIMEOUT - timedelta(hours=1)
    expired = UserFactory.create_batch(2, unverified=True, date_joined=long_ago)
    kept = [
        UserFactory(unverified=True),
        UserFactory(date_joined=long_ago),
        UserFactory(is_active=False, date_joined=long_ago),
    ]
    out = StringIO()

    call_command("purge_unverified", stdout=out)

    assert "Deleted 2 unverified accounts" in out.getvalue()
    assert set(User.objects.values_list("pk", flat=True)) == {user.pk for user in kept}
    assert not User.objects.filter(pk__in=[user.pk for user in expired]).exists()


# --- One address, one account, whatever the spelling of its domain (issue 20) ----------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spelling",
    ["victim@ｅｘａｍｐｌｅ.com", "victim@EXAMPLE.com", "victim@ｅxample.ｃｏｍ"],  # noqa: RUF001
    ids=["fullwidth", "upper-case", "mixed"],
)
def test_a_compatibility_spelling_of_a_domain_is_the_same_address(register, spelling):
    """Fullwidth letters made a second account whose mail went to the plain address."""
    UserFactory(email="victim@example.com")

    response = register(spelling)

    assert response.status_code == 202
    assert list(User.objects.values_list("email", flat=True)) == ["victim@example.com"], (
        f"registering {spelling!r} beside victim@example.com made a second account"
    )
    assert sent_to("victim@example.com") == 1, "the owner got no reset link"


@pytest.mark.django_db
def test_a_new_address_is_stored_with_its_domain_in_ascii(register):
    register("ann@ｂüｃｈｅｒ.de")

    assert User.objects.get().email == "ann@xn--bcher-kva.de"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email",
    ["ann@example.local", "ann@ex\u00adample.com", "ann@printer.invalid"],
    ids=["reserved-local", "soft-hyphen", "reserved-invalid"],
)
def test_an_address_that_does_not_normalise_is_a_400(register, email):
    response = register(email)

    assert response.status_code == 400, f"registering {email!r} answered {response.status_code}"
    assert list(response.json()) == ["email"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_migration_normalises_existing_addresses_and_leaves_clashes_alone(capsys):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shop.users.migrations.0004_normalize_emails")
    plain = UserFactory(email="victim@example.com")
    squatter = UserFactory(email="victim@ｅｘａｍｐｌｅ.com")  # noqa: RUF001
    unicode_domain = UserFactory(email="ann@bücher.de")

    migration.normalise_addresses(apps, None)

    emails = dict(User.objects.values_list("pk", "email"))
    assert emails[unicode_domain.pk] == "ann@xn--bcher-kva.de"
    assert emails[plain.pk] == "victim@example.com"
    assert emails[squatter.pk] == "victim@ｅｘａｍｐｌｅ.com", "a clash was merged"  # noqa: RUF001
    assert f"user {squatter.pk}" in capsys.readouterr().out
