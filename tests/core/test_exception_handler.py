"""The one exception handler: every error leaves the API as JSON with a code.

Views defined here raise what services and the database raise; the database
errors are real ones, produced by real inserts.
"""

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from shop.core.errors import Conflict, DomainError, NotFound
from shop.core.exception_handler import exception_handler
from shop.core.views import server_error
from shop.users.models import User
from testing.factories import UserFactory


class OutOfTea(DomainError):
    status_code = 418
    code = "out_of_tea"
    default_detail = "No tea left."


def response_to(exc: Exception):
    """What a DRF view answers when it raises ``exc``."""

    class Raising(APIView):
        authentication_classes: list = []
        permission_classes = [AllowAny]

        def get(self, request):
            raise exc

    return Raising.as_view()(APIRequestFactory().get("/api/anything/"))


def real_integrity_error(**fields) -> IntegrityError:
    """The IntegrityError the database raises for inserting a user with ``fields``."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        User.objects.bulk_create([User(**fields)])
    return caught.value


# --- Domain errors -------------------------------------------------------------------


def test_a_domain_error_answers_its_status_detail_and_code():
    response = response_to(OutOfTea())

    assert response.status_code == 418
    assert response.data == {"detail": "No tea left.", "code": "out_of_tea"}


def test_a_domain_error_may_carry_its_own_detail():
    response = response_to(OutOfTea("The pot is empty."))

    assert response.data == {"detail": "The pot is empty.", "code": "out_of_tea"}


@pytest.mark.parametrize(
    ("exc", "status", "code"), [(NotFound(), 404, "not_found"), (Conflict(), 409, "conflict")]
)
def test_the_shared_domain_errors_map_to_their_statuses(exc, status, code):
    response = response_to(exc)

    assert (response.status_code, response.data["code"]) == (status, code)


# --- Database errors -------------------------------------------------------------------


def test_a_protected_error_answers_409_with_the_number_of_references():
    response = response_to(ProtectedError("protected", {object(), object()}))

    assert response.status_code == 409
    assert response.data == {
        "detail": "Cannot delete: referenced by 2 other records.",
        "code": "protected",
    }


def test_a_restricted_error_answers_409():
    response = response_to(RestrictedError("restricted", {object()}))

    assert response.status_code == 409
    assert response.data["code"] == "protected"


@pytest.mark.django_db
@pytest.mark.parametrize("duplicate", ["ann@example.com", "ANN@example.com"], ids=["same", "case"])
def test_a_unique_violation_from_the_database_answers_409_conflict(duplicate):
    UserFactory(email="ann@example.com")
    exc = real_integrity_error(email=duplicate, password="x")

    response = exception_handler(exc, {})

    assert response is not None, f"the unique violation {exc!r} was not mapped: a 500"
    assert response.status_code == 409
    assert response.data == {
        "detail": "The request conflicts with data that already exists.",
        "code": "conflict",
    }


@pytest.mark.django_db
def test_an_integrity_error_that_is_not_a_conflict_stays_a_500():
    exc = real_integrity_error(email=None, password="x")  # NOT NULL: a bug, not a conflict

    assert exception_handler(exc, {}) is None, (
        f"{exc!r} was answered as a client error; a NOT NULL violation is our bug and must 500"
    )


@pytest.mark.parametrize(
    "exc", [OperationalError("server closed the connection"), InterfaceError("closed")]
)
def test_an_unreachable_database_answers_503(exc):
    response = response_to(exc)

    assert response.status_code == 503
    assert response.data["code"] == "service_unavailable"


def test_an_unmapped_exception_is_left_to_become_a_500():
    assert exception_handler(RuntimeError("bug"), {}) is None


# --- DRF's own errors get a code ------------------------------------------------------------


@pytest.mark.django_db
def test_not_authenticated_gets_a_code(api_client):
    response = api_client.get("/api/auth/me/")

    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }


def test_method_not_allowed_gets_a_code(api_client):
    response = api_client.get("/api/auth/register/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (Http404("No Product matches the given query."), 404, "not_found"),
        (DjangoPermissionDenied(), 403, "permission_denied"),
    ],
    ids=["Http404", "PermissionDenied"],
)
def test_django_exceptions_that_drf_converts_get_the_drf_code(exc, status, code):
    """``get_object_or_404`` raises Django's Http404, which DRF turns into its NotFound."""
    response = response_to(exc)

    assert response.status_code == status
    assert response.data["code"] == code, (
        f"{type(exc).__name__} answered code {response.data['code']!r}, expected {code!r}: "
        "add_code reads the code from the original exception, not the DRF one it became"
    )


@pytest.mark.django_db
def test_validation_errors_keep_drfs_field_shape(api_client):
    response = api_client.post("/api/auth/register/", {"email": "nope"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}, "validation errors get no code key"


# --- Outside DRF: Django's handlers -----------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_api_url_answers_a_json_404(client):
    response = client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_the_500_handler_answers_json():
    response = server_error(APIRequestFactory().get("/api/anything/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
