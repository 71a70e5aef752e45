"""Fixtures shared by the shop's own suite (the root conftest.py holds the shared ones)."""

import json
import re

import pytest
from django.conf import settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.users.tokens import email_verification_token


@pytest.fixture
def document(api_client) -> dict:
    """The OpenAPI document the shop serves at /api/schema/."""
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def paths(document) -> dict:
    return document["paths"]


@pytest.fixture
def verification_for():
    """``verification_for(user)``: a fresh ``{"uid", "token"}`` body for verify-email."""

    def make(user) -> dict[str, str]:
        return {
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_verification_token.make_token(user),
        }

    return make


@pytest.fixture
def verification_in():
    """``verification_in(message)``: the ``{"uid", "token"}`` of the link in an email.

    The link must follow ``settings.EMAIL_VERIFICATION_URL``: the template is
    turned into a pattern, so a link built any other way does not match.
    """

    def extract(message) -> dict[str, str]:
        pattern = (
            re.escape(settings.EMAIL_VERIFICATION_URL)
            .replace(re.escape("{uid}"), r"(?P<uid>[A-Za-z0-9_-]+)")
            .replace(re.escape("{token}"), r"(?P<token>[A-Za-z0-9-]+)")
        )
        match = re.search(pattern, message.body)
        assert match, (
            f"expected a link following {settings.EMAIL_VERIFICATION_URL!r} "
            f"in the email, got:\n{message.body}"
        )
        return match.groupdict()

    return extract


@pytest.fixture
def clock(monkeypatch):
    """``clock.advance(days=6)``: Django's, simplejwt's and PyJWT's now, moved on together."""
    from testing.clock import ShiftedClock

    return ShiftedClock(monkeypatch)
