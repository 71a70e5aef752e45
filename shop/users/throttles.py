from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AdminExemptUserRateThrottle(UserRateThrottle):
    """The per-user limit, for everyone but staff.

    Returning ``None`` from ``get_cache_key`` is DRF's documented way to skip a
    throttle: no counter is read or written for staff, so an internal dashboard
    making hundreds of requests never trips it.
    """

    def get_cache_key(self, request: Request, view) -> str | None:
        if request.user and request.user.is_authenticated and request.user.is_staff:
            return None
        return super().get_cache_key(request, view)


def client_address(request: HttpRequest) -> str:
    """The client's address as every limit here counts it (DRF's rule, ``NUM_PROXIES``).

    Also the admin login's (django-axes): with one rule, a client that rotates
    X-Forwarded-For escapes neither.
    """
    return AnonRateThrottle().get_ident(request)
