"""The one DRF exception handler: every error leaves the API as JSON.

Request-level errors become ``{"detail": ..., "code": ...}``; validation errors
keep DRF's ``{"field": [messages]}`` shape. Anything not mapped here is a bug
and stays a 500.
"""

import logging
import sqlite3

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from shop.core.errors import DomainError

logger = logging.getLogger("shop.errors")

# PostgreSQL SQLSTATEs that mean "this write conflicts with data already there":
# unique_violation, foreign_key_violation, exclusion_violation.
CONFLICT_SQLSTATES = {"23505", "23503", "23P01"}
SQLITE_CONFLICT_PREFIXES = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed")


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()
        response = error_response(exc.detail, exc.code, exc.status_code)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response

    if isinstance(exc, DjangoValidationError):
        # A service's refusal of its input (HackSoft's Django-Styleguide): DRF's 400,
        # {"field": [messages]}, as if a serializer had said it.
        exc = ValidationError(as_serializer_error(exc))

    if isinstance(exc, ProtectedError | RestrictedError):
        # DRF maps neither (encode/django-rest-framework#5958): without this, a 500.
        set_rollback()
        count = len(
            exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        )
        return error_response(
            f"Cannot delete: referenced by {count} other records.",
            "protected",
            status.HTTP_409_CONFLICT,
        )

    if isinstance(exc, IntegrityError) and means_conflict(exc):
        set_rollback()
        logger.info("Integrity conflict answered with 409: %s", exc)
        return error_response(
            "The request conflicts with data that already exists.",
            "conflict",
            status.HTTP_409_CONFLICT,
        )

    if isinstance(exc, OperationalError | InterfaceError):
        # The database went away or refused us: the client may retry, so 503, not 500.
        set_rollback()
        logger.error("Database unavailable: %s", exc)
        return error_response(
            "The service is temporarily unavailable. Try again shortly.",
            "service_unavailable",
            status.HTTP_503_SERVICE_UNAVAILABLE,
        )

    response = drf_exception_handler(exc, context)
    if response is not None:
        add_code(response, exc)
    return response


def error_response(detail: str, code: str, status_code: int) -> Response:
    return Response({"detail": detail, "code": code}, status=status_code)


def add_code(response: Response, exc: Exception) -> None:
    """DRF answers ``{"detail": ...}`` for request-level errors; the contract adds ``code``."""
    data = response.data
    if isinstance(data, dict) and isinstance(data.get("detail"), str) and "code" not in data:
        # DRF's ErrorDetail carries the code, also for the Http404 and PermissionDenied
        # it converted from Django's exceptions (which have none of their own).
        data["code"] = getattr(data["detail"], "code", None) or "error"


def means_conflict(exc: IntegrityError) -> bool:
    """A unique or foreign-key clash is a conflict; any other integrity error is a bug."""
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in CONFLICT_SQLSTATES:
        return True
    return isinstance(cause, sqlite3.IntegrityError) and str(cause).startswith(
        SQLITE_CONFLICT_PREFIXES
    )
