from rest_framework import serializers

from shop.orders.models import Order, OrderItem


class OrderItemSerializer(serializers.ModelSerializer):
    # Declared, not derived from the model: a model field's range is the database's
    # (SQLite's is 64-bit, PostgreSQL's 32), and docs/openapi.yaml must not depend on it.
    quantity = serializers.IntegerField(min_value=1, read_only=True)

    class Meta:
        model = OrderItem
        fields = ["sku_id", "product_name", "sku_code", "unit_price", "quantity", "line_total"]


class OrderSerializer(serializers.ModelSerializer):
    items = OrderItemSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "status", "created_at", "total", "items"]
