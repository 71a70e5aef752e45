"""One rule for a password's spaces, at registration and at login.

Registration kept outer spaces while simplejwt's login field trimmed them, so
"  my passphrase  " registered fine and then never logged in (401
invalid_credentials for the right password). Both sides keep them now, as
Django's own forms do.
"""

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

PASSWORD = "  a passphrase with outer spaces  "


@pytest.fixture
def registered(api_client, verification_in, django_capture_on_commit_callbacks):
    email = "spaces@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/auth/register/", {"email": email, "password": PASSWORD}, format="json"
        )
    assert response.status_code == 202, response.json()
    body = verification_in(mail.outbox[-1])
    assert api_client.post("/api/auth/verify-email/", body, format="json").status_code == 200
    return email


def login(api_client, email: str, password: str):
    return api_client.post(
        "/api/auth/token/", {"email": email, "password": password}, format="json"
    )


def test_a_password_with_outer_spaces_logs_in_as_registered(api_client, registered):
    response = login(api_client, registered, PASSWORD)

    assert response.status_code == 200, (
        f"logging in with the password exactly as registered answered {response.status_code} "
        f"{response.json()}, expected 200"
    )


def test_the_password_without_its_spaces_is_another_password(api_client, registered):
    response = login(api_client, registered, PASSWORD.strip())

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
