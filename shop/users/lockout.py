"""The per-account login lockout, shared by the API's login and the admin's (django-axes).

Settings: ``AXES_*`` in shop/settings.py. Axes counts failed ``authenticate()`` calls
per client address and per account; these are its hooks for the account's name and
for the 429 it answers.
"""

from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from email_validator import EmailNotValidError

from shop.users.errors import AccountLockedOut
from shop.users.models import normalized_email


def login_address(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a login attempt is for (``AXES_USERNAME_CALLABLE``), as the shop stores it.

    The API sends ``email``, the admin's form ``username``; either way any spelling
    of one address counts against the same account, whether or not it exists.
    """
    source = credentials if credentials is not None else request.POST
    address = source.get("email") or source.get("username")
    if not address:
        return None
    try:
        return normalized_email(address).lower()
    except EmailNotValidError:
        return address.lower()


def lockout_ends_at(request: HttpRequest, credentials: dict | None) -> datetime:
    """When the lock on this request's address or account ends, if nothing more fails.

    Axes counts the failures of the last cool-off period, each row (one account from
    one address and user agent) by its latest failure: the lock holds until the rows
    that make up the limit, newest first, have aged out.
    """
    cool_off = get_cool_off(request)
    now = timezone.now()
    ends = [now]
    for attempts in AxesDatabaseHandler().get_user_attempts(request, credentials):
        failures = 0
        for attempt_time, count in attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        ):
            failures += count
            if failures >= settings.AXES_FAILURE_LIMIT:
                ends.append(attempt_time + cool_off)
                break
    return max(ends)


def lockout_error(request: HttpRequest, credentials: dict | None) -> AccountLockedOut:
    wait = (lockout_ends_at(request, credentials) - timezone.now()).total_seconds()
    return AccountLockedOut(retry_after=max(1, int(wait + 0.999)))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The admin's 429 (``AXES_LOCKOUT_CALLABLE``): the API's answer, with ``Retry-After``."""
    error = lockout_error(request, credentials)
    return JsonResponse(
        {"detail": error.detail, "code": error.code},
        status=error.status_code,
        headers={"Retry-After": str(error.retry_after)},
    )
