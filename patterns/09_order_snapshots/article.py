"""Order snapshots as the article's section 9 has them: copied columns, "never change".

The item keeps the article's five snapshot columns beside a PROTECT foreign key
to the SKU, and the read side treats them as "the source of truth": the
serializer shows the columns, never the SKU behind them. The article's checkout
creates the order without a total, so the total shown is the sum of the line
totals the items keep.

What it leaves to a comment: "Snapshot fields: never change after creation".
Nothing refuses a change, so the test runs this variant with the shop's
database trigger switched off: a rebrand script's ``.update()`` rewrites past
orders, and nothing notices.
"""

from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from shop.orders.models import Order, OrderItem

WITHOUT_TRIGGERS = ["orders_orderitem_snapshot_immutable", "orders_order_snapshot_immutable"]


class OrderItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderItem
        fields = ["sku_id", "product_name", "sku_code", "unit_price", "quantity", "line_total"]


class OrderSerializer(serializers.ModelSerializer):
    items = OrderItemSerializer(many=True, read_only=True)
    total = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "status", "created_at", "total", "items"]

    def get_total(self, order: Order) -> str:
        return f"{sum(item.line_total for item in order.items.all()):.2f}"


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Order.objects.filter(user=self.request.user).prefetch_related("items")
