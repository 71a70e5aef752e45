"""A clock the test moves: what Django, simplejwt and PyJWT take for now, shifted.

    clock = ShiftedClock(monkeypatch)
    clock.advance(days=6)      # tokens issued from now on are issued six days later

No sleeping, and no freezing either: time still runs, from a later start. The three
clocks move together, because a token is made with one (simplejwt's ``aware_utcnow``,
its ``exp`` and ``iat``), checked with another (PyJWT's ``datetime.now``) and compared
with the shop's (``django.utils.timezone.now``).
"""

from datetime import datetime, timedelta

import jwt.api_jwt
import rest_framework_simplejwt.tokens
from django.utils import timezone


class ShiftedClock:
    def __init__(self, monkeypatch) -> None:
        self.offset = timedelta()
        real_now = timezone.now
        shifted = lambda: real_now() + self.offset  # noqa: E731
        clock = self

        class ShiftedDatetime(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + clock.offset

        monkeypatch.setattr(timezone, "now", shifted)
        monkeypatch.setattr(rest_framework_simplejwt.tokens, "aware_utcnow", shifted)
        monkeypatch.setattr(jwt.api_jwt, "datetime", ShiftedDatetime)

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)
