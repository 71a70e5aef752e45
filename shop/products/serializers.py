from decimal import Decimal

from rest_framework import serializers

from shop.core.serializers import RejectUnknownFieldsMixin
from shop.products.models import SKU, Product

MAX_SKUS_PER_PRODUCT = 100


class PriceField(serializers.DecimalField):
    """A non-negative amount with two places; "-0" is read as the 0.00 it is."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs)

    def to_internal_value(self, data) -> Decimal:
        value = super().to_internal_value(data)
        return value.copy_abs() if value.is_zero() else value


class SKUSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    code = serializers.CharField(max_length=64)
    price = PriceField()
    stock = serializers.IntegerField(min_value=0, max_value=2_000_000_000)

    class Meta:
        model = SKU
        fields = ["id", "code", "price", "stock"]


class SKUUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    price = PriceField(required=False)
    stock = serializers.IntegerField(min_value=0, max_value=2_000_000_000, required=False)


class ProductSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    skus = SKUSerializer(many=True, allow_empty=False, max_length=MAX_SKUS_PER_PRODUCT)

    class Meta:
        model = Product
        fields = ["id", "name", "description", "is_active", "created_at", "skus"]
        read_only_fields = ["id", "is_active", "created_at"]

    def validate_skus(self, skus: list[dict]) -> list[dict]:
        codes = [sku["code"] for sku in skus]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError("Each SKU code may appear only once.")
        # One query for all codes (a UniqueValidator per SKU would run one each).
        taken = sorted(SKU.objects.filter(code__in=codes).values_list("code", flat=True))
        if taken:
            raise serializers.ValidationError(f"SKU codes already exist: {', '.join(taken)}.")
        return skus


class ProductUpdateSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """Name, description, and ``is_active`` (``true`` restores a soft-deleted product).

    SKUs change through ``PATCH /api/skus/{id}/``.
    """

    class Meta:
        model = Product
        fields = ["name", "description", "is_active"]
