"""The orders endpoint a capable engineer writes first: the item points at the SKU.

The naive ``OrderItem`` is a foreign key and a quantity; name, code and price
are the SKU's, read through the key, and line totals and the order's total are
worked out from today's price. No data is copied, nothing can drift out of
date: it looks like good normalisation.

This module runs against the shop's tables, whose items do keep a snapshot of
what was bought; the serializers here read none of it, exactly as they would
if those columns did not exist. So the order shows the catalogue as it is
*now*: rename a product, reprice or recode a SKU, and every past order changes
with it.
"""

from decimal import Decimal

from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from shop.orders.models import Order, OrderItem


class OrderItemSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="sku.product.name", read_only=True)
    sku_code = serializers.CharField(source="sku.code", read_only=True)
    unit_price = serializers.DecimalField(
        source="sku.price", max_digits=12, decimal_places=2, read_only=True
    )
    line_total = serializers.SerializerMethodField()

    class Meta:
        model = OrderItem
        fields = ["sku_id", "product_name", "sku_code", "unit_price", "quantity", "line_total"]

    def get_line_total(self, item: OrderItem) -> str:
        return str(item.sku.price * item.quantity)


class OrderSerializer(serializers.ModelSerializer):
    items = OrderItemSerializer(many=True, read_only=True)
    total = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "status", "created_at", "total", "items"]

    def get_total(self, order: Order) -> str:
        return str(sum((i.sku.price * i.quantity for i in order.items.all()), Decimal("0.00")))


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Your orders, read-only: the same interface as the shop's."""

    serializer_class = OrderSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Order.objects.filter(user=self.request.user).prefetch_related("items__sku__product")
