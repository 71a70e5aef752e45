"""Fixtures for the identity tests: throttle rates."""

import pytest
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture
def throttle_rates(monkeypatch):
    """``throttle_rates(login="3/min")``: DRF rates for one test, generous unless named.

    DRF copies ``DEFAULT_THROTTLE_RATES`` onto ``SimpleRateThrottle`` at import
    (encode/django-rest-framework#6030), so ``override_settings`` cannot change
    them: patch the class attribute instead.
    """

    def set_rates(**rates: str) -> None:
        defaults = {
            "anon": "1000/min",
            "user": "1000/min",
            "login": "1000/min",
            "register": "1000/min",
        }
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**defaults, **rates})

    return set_rates
