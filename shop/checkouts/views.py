from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.checkouts.serializers import CheckoutSerializer, IdempotencyKeyHeader
from shop.checkouts.services import order_place
from shop.core.serializers import error_responses
from shop.orders.serializers import OrderSerializer


class CheckoutView(APIView):
    """Parse, call the service, serialise: the business rules live in the service."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CheckoutSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="1-255 characters.",
            )
        ],
        responses={
            201: OrderSerializer,
            **error_responses(
                401,
                422,
                429,
                described={
                    400: "Invalid body or key, or an empty cart (`code: empty_cart`).",
                    404: "No such cart, or not yours.",
                    409: "Not enough stock (`code: insufficient_stock`), or the same key is "
                    "still being processed (`code: idempotency_key_in_use`).",
                },
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = CheckoutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        checkout = order_place(
            user=request.user,
            cart_id=body.validated_data["cart_id"],
            idempotency_key=idempotency_key(request),
        )
        headers = {"Idempotent-Replayed": "true"} if checkout.replayed else {}
        return Response(
            OrderSerializer(checkout.order).data, status=status.HTTP_201_CREATED, headers=headers
        )


def idempotency_key(request: Request) -> str | None:
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    header = IdempotencyKeyHeader(data={"key": raw})
    if not header.is_valid():
        raise ValidationError({"Idempotency-Key": header.errors["key"]})
    return header.validated_data["key"]
