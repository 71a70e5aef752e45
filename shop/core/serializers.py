from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class RejectUnknownFieldsMixin:
    """Answer 400 for fields the serializer does not know, instead of ignoring them.

    A typo such as ``{"stok": 5}`` would otherwise succeed and change nothing.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({field: ["Unknown field."] for field in unknown})
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    """The body of a request-level error, as ``shop.core.exception_handler`` writes it.

    Only the OpenAPI schema uses it: the handler builds the dict itself.
    """

    detail = serializers.CharField()
    code = serializers.CharField()


ERROR_DESCRIPTIONS = {
    400: 'Invalid input: `{"field": ["message", ...]}`, or `{"detail", "code"}` for a broken rule.',
    401: "Not authenticated, or the token is invalid or expired.",
    403: "Authenticated, but not allowed: staff only.",
    404: "Does not exist, or is not yours.",
    409: "Conflicts with data already there.",
    422: "Idempotency-Key reused with a different request (`code: idempotency_key_reused`).",
    429: "Too many requests: retry after the seconds in the Retry-After header.",
}


def error_responses(
    *statuses: int, described: dict[int, str] | None = None
) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the error statuses an operation can answer.

    ``error_responses(401, 404, 429, described={409: "Not enough stock."})``: ``described``
    adds statuses with their own description. A 400 comes in either shape, so its
    schema is any JSON object.
    """
    descriptions = {status: ERROR_DESCRIPTIONS[status] for status in statuses} | (described or {})
    return {
        status: OpenApiResponse(
            OpenApiTypes.OBJECT if status == 400 else ErrorSerializer, description=description
        )
        for status, description in sorted(descriptions.items())
    }
