"""POST /api/auth/resend-verification/ {email}: 202 whether or not the address exists."""

import pytest

pytestmark = pytest.mark.django_db

RESEND_URL = "/api/auth/resend-verification/"


@pytest.fixture
def resend(api_client, django_capture_on_commit_callbacks):
    """``resend(email)``: POST the address and run the on-commit callbacks."""

    def post(email):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(RESEND_URL, {"email": email}, format="json")

    return post


def test_resend_sends_one_email_to_an_unverified_account(resend, unverified_user, mailoutbox):
    response = resend(unverified_user.email)

    assert response.status_code == 202
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [unverified_user.email]


def test_resend_sends_nothing_before_the_transaction_commits(
    api_client, unverified_user, mailoutbox
):
    response = api_client.post(RESEND_URL, {"email": unverified_user.email}, format="json")

    assert response.status_code == 202
    assert mailoutbox == [], "the email went out before the transaction committed"


def test_the_resent_link_verifies_the_account(
    resend, unverified_user, mailoutbox, verification_in, api_client
):
    resend(unverified_user.email)

    response = api_client.post(
        "/api/auth/verify-email/", verification_in(mailoutbox[0]), format="json"
    )

    assert response.status_code == 200
    unverified_user.refresh_from_db()
    assert unverified_user.is_active is True


def test_resend_matches_the_address_in_any_letter_case(resend, unverified_user, mailoutbox):
    resend(unverified_user.email.upper())

    assert [message.to for message in mailoutbox] == [[unverified_user.email]]


def test_resend_sends_nothing_to_a_verified_account(resend, user, mailoutbox):
    response = resend(user.email)

    assert response.status_code == 202
    assert mailoutbox == []


def test_resend_sends_nothing_to_a_deactivated_account(resend, user, mailoutbox):
    """A fresh link would let a banned account verify, and so reactivate, itself."""
    user.is_active = False  # staff deactivate a verified account
    user.save(update_fields=["is_active"])

    response = resend(user.email)

    assert response.status_code == 202
    assert mailoutbox == []


def test_resend_sends_nothing_for_an_unknown_address(resend, db, mailoutbox):
    response = resend("nobody@example.com")

    assert response.status_code == 202
    assert mailoutbox == []


def test_resend_answers_identically_whether_or_not_the_address_has_an_account(
    resend, user, unverified_user
):
    responses = {
        "unverified": resend(unverified_user.email),
        "verified": resend(user.email),
        "unknown": resend("nobody@example.com"),
    }

    answers = {name: (r.status_code, r.content) for name, r in responses.items()}
    assert len(set(answers.values())) == 1, (
        f"the answers differ, which tells a stranger who has an account: {answers}"
    )


@pytest.mark.parametrize(
    "email",
    ["not-an-email", "", None, 42, ["ann@example.com"]],
    ids=["malformed", "blank", "null", "number", "list"],
)
def test_resend_refuses_an_invalid_email_with_400(resend, db, mailoutbox, email):
    response = resend(email)

    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    assert mailoutbox == []


def test_resend_refuses_a_body_without_an_email(api_client, db):
    response = api_client.post(RESEND_URL, {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"email": ["This field is required."]}
