"""Throttling as the article's section 4 sets it up: staff short-circuit in allow_request.

"Subclass UserRateThrottle and short-circuit for staff ... Register it as your
throttle class", in place of ``UserRateThrottle`` beside ``AnonRateThrottle``.
The staff exemption works, and touches no counter. What bites is the default it
sits on, which the article never mentions: DRF's ``NUM_PROXIES`` is ``None``,
which trusts the whole ``X-Forwarded-For`` header as the client's identity. An
anonymous client that sends a new made-up address with every request is a new
"client" every time, and never meets its limit.
"""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AdminExemptUserRateThrottle(UserRateThrottle):
    def allow_request(self, request, view):
        user = getattr(request, "user", None)
        if user and user.is_authenticated and user.is_staff:
            return True
        return super().allow_request(request, view)


THROTTLE_CLASSES = [AnonRateThrottle, AdminExemptUserRateThrottle]
NUM_PROXIES = None  # DRF's default: nobody decided how many proxies stand in front
