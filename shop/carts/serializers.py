from rest_framework import serializers

from shop.carts.models import MAX_QUANTITY, Cart, CartItem
from shop.core.serializers import RejectUnknownFieldsMixin


class CartItemSerializer(serializers.ModelSerializer):
    sku_code = serializers.CharField(source="sku.code", read_only=True)
    # Declared, not derived from the model: a model field's range is the database's
    # (SQLite's is 64-bit, PostgreSQL's 32), and docs/openapi.yaml must not depend on it.
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, read_only=True)

    class Meta:
        model = CartItem
        fields = ["id", "sku_id", "sku_code", "quantity"]


class CartSerializer(serializers.ModelSerializer):
    items = CartItemSerializer(many=True, read_only=True)

    class Meta:
        model = Cart
        fields = ["id", "items"]


class AddItemSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    sku_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class SetQuantitySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
