"""POST /api/auth/register/ {email, password} (api.md, Identity)."""

import json

import pytest
from django.db import transaction

from shop.users import services
from shop.users.models import User
from testing.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER_URL = "/api/auth/register/"
STRONG_PASSWORD = "a sturdy passphrase 4 tests"


@pytest.fixture
def register(api_client, django_capture_on_commit_callbacks):
    """``register(body)``: POST the body as JSON and run the on-commit callbacks.

    ``json.dumps`` escapes non-ASCII, so even lone surrogates reach the server
    (DRF's test renderer would fail to encode them on the client side).
    """

    def post(body):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(REGISTER_URL, json.dumps(body), content_type="application/json")

    return post


# --- Success -------------------------------------------------------------------


def test_register_answers_202_and_says_to_check_the_inbox(register):
    response = register({"email": "ann@example.com", "password": STRONG_PASSWORD})

    assert response.status_code == 202
    assert response.json() == {"detail": "Check your inbox to finish registering."}
    assert User.objects.get().email == "ann@example.com"


def test_register_creates_an_inactive_account(register):
    register({"email": "ann@example.com", "password": STRONG_PASSWORD})

    user = User.objects.get()
    assert user.is_active is False, "a new account must stay inactive until its email is verified"
    assert user.check_password(STRONG_PASSWORD)


def test_register_lowercases_the_domain_and_keeps_the_local_part(register):
    register({"email": "Ann@Example.COM", "password": STRONG_PASSWORD})

    assert User.objects.get().email == "Ann@example.com"


def test_register_ignores_attempts_to_make_the_account_staff_or_active(register):
    register(
        {
            "email": "ann@example.com",
            "password": STRONG_PASSWORD,
            "is_staff": True,
            "is_superuser": True,
            "is_active": True,
        }
    )

    user = User.objects.get()
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, False)


def test_register_sends_exactly_one_verification_email_after_commit(register, mailoutbox):
    register({"email": "ann@example.com", "password": STRONG_PASSWORD})

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ann@example.com"]


def test_register_sends_no_email_before_the_transaction_commits(api_client, mailoutbox):
    # The test's transaction never commits, so on-commit callbacks never run here.
    response = api_client.post(
        REGISTER_URL, {"email": "ann@example.com", "password": STRONG_PASSWORD}, format="json"
    )

    assert response.status_code == 202
    assert mailoutbox == [], "the verification email went out before the transaction committed"


def test_register_sends_no_email_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    class Abort(Exception):
        pass

    def register_then_fail() -> None:
        with transaction.atomic():
            services.user_register(email="ann@example.com", password=STRONG_PASSWORD)
            raise Abort

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort):
        register_then_fail()

    assert callbacks == []
    assert mailoutbox == []
    assert not User.objects.exists()


def test_the_emailed_link_follows_email_verification_url(register, mailoutbox, settings):
    settings.EMAIL_VERIFICATION_URL = "https://shop.example/activate/{uid}/{token}/"

    register({"email": "ann@example.com", "password": STRONG_PASSWORD})

    assert "https://shop.example/activate/" in mailoutbox[0].body


def test_the_emailed_link_verifies_the_account(register, mailoutbox, verification_in, api_client):
    register({"email": "ann@example.com", "password": STRONG_PASSWORD})

    response = api_client.post(
        "/api/auth/verify-email/", verification_in(mailoutbox[0]), format="json"
    )

    assert response.status_code == 200
    assert User.objects.get().is_active is True


# --- Refused: the contract's 400s ------------------------------------------------


def assert_refused_and_nothing_written(response, mailoutbox, users_before: int = 0) -> None:
    assert 400 <= response.status_code < 500, f"expected a 4xx, got {response.status_code}"
    assert response["Content-Type"] == "application/json"
    assert User.objects.count() == users_before, "a refused registration wrote a user"
    assert mailoutbox == [], "a refused registration sent an email"


@pytest.mark.parametrize(
    "email", ["not-an-email", "ann@", "@example.com", "ann@example", "ann example@example.com"]
)
def test_register_refuses_an_invalid_email(register, mailoutbox, email):
    response = register({"email": email, "password": STRONG_PASSWORD})

    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    assert_refused_and_nothing_written(response, mailoutbox)


@pytest.mark.parametrize(
    ("email", "password", "complaint"),
    [
        ("ann@example.com", "Sh0rt!", "too short"),
        ("ann@example.com", "qwertyuiop", "too common"),
        ("ann@example.com", "40295871364", "entirely numeric"),
        ("margaret.hamilton@example.com", "margaret.hamilton", "too similar to the email"),
    ],
    ids=["too-short", "common", "numeric", "similar-to-email"],
)
def test_register_refuses_a_weak_password(register, mailoutbox, email, password, complaint):
    response = register({"email": email, "password": password})

    assert response.status_code == 400
    messages = response.json()["password"]
    assert any(complaint in message for message in messages), (
        f"expected a password error saying {complaint!r}, got {messages}"
    )
    assert_refused_and_nothing_written(response, mailoutbox)


def assert_taken_and_mailed_a_reset_link(response, mailoutbox, address: str) -> None:
    assert response.status_code == 202
    assert response.json() == {"detail": "Check your inbox to finish registering."}
    assert User.objects.count() == 1, "a second account for one address"
    assert [(message.subject, message.to) for message in mailoutbox] == [
        ("Set your password", [address])
    ]


def test_register_of_a_taken_address_keeps_the_account_and_mails_its_owner_a_reset_link(
    register, mailoutbox
):
    owner = UserFactory(email="ann@example.com")

    response = register({"email": "ann@example.com", "password": STRONG_PASSWORD})

    assert_taken_and_mailed_a_reset_link(response, mailoutbox, "ann@example.com")
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD), "registering again changed the password"


def test_register_of_an_address_taken_in_another_case_makes_no_second_account(register, mailoutbox):
    register({"email": "Ann@Example.com", "password": STRONG_PASSWORD})
    mailoutbox.clear()

    response = register({"email": "ann@example.COM", "password": STRONG_PASSWORD})

    assert_taken_and_mailed_a_reset_link(response, mailoutbox, "Ann@example.com")


def test_register_of_an_address_taken_in_another_spelling_of_an_international_domain(
    register, mailoutbox
):
    register({"email": "ann@bücher.de", "password": STRONG_PASSWORD})
    mailoutbox.clear()

    response = register({"email": "ann@BÜCHER.de", "password": STRONG_PASSWORD})

    assert_taken_and_mailed_a_reset_link(response, mailoutbox, "ann@xn--bcher-kva.de")


# --- Bad input: 4xx JSON, nothing written ---------------------------------------------

BAD_BODIES = {
    "empty-object": {},
    "missing-email": {"password": STRONG_PASSWORD},
    "missing-password": {"email": "ann@example.com"},
    "email-number": {"email": 42, "password": STRONG_PASSWORD},
    "email-list": {"email": ["ann@example.com"], "password": STRONG_PASSWORD},
    "email-null": {"email": None, "password": STRONG_PASSWORD},
    "email-object": {"email": {"address": "ann@example.com"}, "password": STRONG_PASSWORD},
    "email-bool": {"email": True, "password": STRONG_PASSWORD},
    "email-blank": {"email": "", "password": STRONG_PASSWORD},
    "email-nul-char": {"email": "ann@example.com\x00", "password": STRONG_PASSWORD},
    "email-lone-surrogate": {"email": "ann@ex\ud800ample.com", "password": STRONG_PASSWORD},
    "password-number": {"email": "ann@example.com", "password": 40295871364123},
    "password-list": {"email": "ann@example.com", "password": [STRONG_PASSWORD]},
    "password-null": {"email": "ann@example.com", "password": None},
    "password-object": {"email": "ann@example.com", "password": {"value": STRONG_PASSWORD}},
    "password-blank": {"email": "ann@example.com", "password": ""},
    "password-nul-char": {"email": "ann@example.com", "password": STRONG_PASSWORD + "\x00"},
    "password-lone-surrogate": {"email": "ann@example.com", "password": STRONG_PASSWORD + "\udfff"},
    "email-over-254": {
        "email": "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "example.com",
        "password": STRONG_PASSWORD,
    },
    "password-over-128": {"email": "ann@example.com", "password": "correct horse " * 10},
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_register_refuses_bad_input_with_400_and_writes_nothing(register, mailoutbox, body):
    response = register(body)

    assert response.status_code == 400
    assert_refused_and_nothing_written(response, mailoutbox)


def test_the_overlong_cases_really_are_overlong():
    assert len(BAD_BODIES["email-over-254"]["email"]) > 254
    assert len(BAD_BODIES["password-over-128"]["password"]) > 128


@pytest.mark.parametrize(
    "raw_body",
    ["{", '{"email": "ann@example.com",}', "NaN", '{"email": "ann@example.com"} trailing'],
    ids=["truncated", "trailing-comma", "nan", "trailing-text"],
)
def test_register_refuses_malformed_json(api_client, mailoutbox, raw_body):
    response = api_client.post(REGISTER_URL, raw_body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert_refused_and_nothing_written(response, mailoutbox)


@pytest.mark.parametrize(
    "raw_body", ["null", "[]", '["ann@example.com", "pw"]', '"ann@example.com"', "42", "true"]
)
def test_register_refuses_a_json_body_that_is_not_an_object(api_client, mailoutbox, raw_body):
    response = api_client.post(REGISTER_URL, raw_body, content_type="application/json")

    assert response.status_code == 400
    assert_refused_and_nothing_written(response, mailoutbox)


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "application/xml"]
)
def test_register_refuses_a_body_that_is_not_json_with_415(api_client, mailoutbox, content_type):
    response = api_client.post(
        REGISTER_URL,
        f"email=ann%40example.com&password={STRONG_PASSWORD.replace(' ', '+')}",
        content_type=content_type,
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert_refused_and_nothing_written(response, mailoutbox)


def test_register_refuses_multipart_form_data_with_415(api_client, mailoutbox):
    response = api_client.post(
        REGISTER_URL, {"email": "ann@example.com", "password": STRONG_PASSWORD}, format="multipart"
    )

    assert response.status_code == 415
    assert_refused_and_nothing_written(response, mailoutbox)


# --- International addresses ------------------------------------------------------------
# Internationalised domain names (IDN, in Unicode or punycode) are fine, and stored in
# their IDNA 2008 ASCII form; local parts must be ASCII: "jörg@…" is refused. Either
# way the answer is a 202 or a 400, never a 500.


@pytest.mark.parametrize(
    ("email", "stored"),
    [
        ("ann@bücher.de", "ann@xn--bcher-kva.de"),
        ("ann@xn--bcher-kva.de", "ann@xn--bcher-kva.de"),
        ("ann@例子.广告", "ann@xn--fsqu00a.xn--4rr70v"),
        ("ann@пример.рф", "ann@xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_register_accepts_an_internationalised_domain_and_sends_the_email(
    register, mailoutbox, email, stored
):
    response = register({"email": email, "password": STRONG_PASSWORD})

    assert response.status_code == 202
    assert User.objects.get().email == stored
    assert len(mailoutbox) == 1, "the verification email to an IDN address was not sent"
    assert mailoutbox[0].to == [stored]


@pytest.mark.parametrize("email", ["jörg@example.com", "用户@例子.广告", "ännä@bücher.de"])
def test_register_refuses_a_non_ascii_local_part(register, mailoutbox, email):
    response = register({"email": email, "password": STRONG_PASSWORD})

    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    assert_refused_and_nothing_written(response, mailoutbox)
