import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

logger = logging.getLogger("shop.health")


class HealthView(APIView):
    """Liveness and database reachability, for load balancers and humans."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        responses={
            200: inline_serializer(
                "Health", {"status": serializers.CharField(), "database": serializers.CharField()}
            ),
            503: inline_serializer(
                "HealthDown",
                {"status": serializers.CharField(), "database": serializers.CharField()},
            ),
        }
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            logger.error("Health check: database unreachable: %s", exc)
            return Response({"status": "unavailable", "database": "unreachable"}, status=503)
        return Response({"status": "ok", "database": "ok"})


# Django's own error pages, for what it answers before (or without) DRF: a Host not
# in ALLOWED_HOSTS, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, an unknown URL, a crash.
# Its defaults are HTML; the contract says every error is {"detail", "code"}.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return error(
            "The request body is larger than this server accepts.", "request_too_large", 413
        )
    return error("Bad request.", "bad_request", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error("You do not have permission to perform this action.", "permission_denied", 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error("Not found.", "not_found", 404)


def server_error(request: HttpRequest) -> JsonResponse:
    return error("Internal server error.", "server_error", 500)


def error(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)
