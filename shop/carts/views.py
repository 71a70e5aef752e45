from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.carts import services
from shop.carts.selectors import cart_of
from shop.carts.serializers import (
    AddItemSerializer,
    CartItemSerializer,
    CartSerializer,
    SetQuantitySerializer,
)
from shop.core.serializers import error_responses


class CartListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            201: CartSerializer,
            **error_responses(
                401, 429, described={409: "Past 20 carts of one customer (`code: cart_limit`)."}
            ),
        },
    )
    def post(self, request: Request) -> Response:
        cart = services.cart_create(user=request.user)
        return Response(CartSerializer(cart).data, status=status.HTTP_201_CREATED)


class CartDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: CartSerializer, **error_responses(401, 404, 429)})
    def get(self, request: Request, cart_id: int) -> Response:
        cart = cart_of(user=request.user, cart_id=cart_id, with_items=True)
        return Response(CartSerializer(cart).data)


class CartItemListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AddItemSerializer,
        responses={201: CartItemSerializer, **error_responses(400, 401, 404, 429)},
    )
    def post(self, request: Request, cart_id: int) -> Response:
        serializer = AddItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.cart_item_add(
            user=request.user, cart_id=cart_id, **serializer.validated_data
        )
        return Response(CartItemSerializer(item).data, status=status.HTTP_201_CREATED)


class CartItemDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=SetQuantitySerializer,
        responses={200: CartItemSerializer, **error_responses(400, 401, 404, 429)},
    )
    def patch(self, request: Request, cart_id: int, item_id: int) -> Response:
        serializer = SetQuantitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.cart_item_set_quantity(
            user=request.user, cart_id=cart_id, item_id=item_id, **serializer.validated_data
        )
        return Response(CartItemSerializer(item).data)

    @extend_schema(responses={204: None, **error_responses(401, 404, 429)})
    def delete(self, request: Request, cart_id: int, item_id: int) -> Response:
        services.cart_item_remove(user=request.user, cart_id=cart_id, item_id=item_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
