"""Fixtures for the identity tests: throttle rates and verification links.

Imports from Django live inside the fixtures: pytest loads this file before the
root conftest has configured the settings.
"""

import re

import pytest


@pytest.fixture
def throttle_rates(monkeypatch):
    """``throttle_rates(login="3/min")``: DRF rates for one test, generous unless named.

    DRF copies ``DEFAULT_THROTTLE_RATES`` onto ``SimpleRateThrottle`` at import
    (encode/django-rest-framework#6030), so ``override_settings`` cannot change
    them: patch the class attribute instead.
    """
    from rest_framework.throttling import SimpleRateThrottle

    def set_rates(**rates: str) -> None:
        defaults = {"anon": "1000/min", "user": "1000/min", "login": "1000/min"}
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**defaults, **rates})

    return set_rates


@pytest.fixture
def verification_for():
    """``verification_for(user)``: a fresh ``{"uid", "token"}`` body for verify-email."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from shop.users.tokens import email_verification_token

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
    from django.conf import settings

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
