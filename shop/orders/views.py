from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from shop.core.serializers import error_responses
from shop.orders.models import Order
from shop.orders.selectors import order_list
from shop.orders.serializers import OrderSerializer


@extend_schema_view(
    list=extend_schema(
        responses={
            200: OrderSerializer,
            **error_responses(401, 429, described={404: "No such page."}),
        }
    ),
    retrieve=extend_schema(responses={200: OrderSerializer, **error_responses(401, 404, 429)}),
)
class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Your orders. No writes: an order is a record (PUT, PATCH, DELETE answer 405)."""

    serializer_class = OrderSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspecting the view
            return Order.objects.none()
        return order_list(user=self.request.user)
