from rest_framework import serializers

from shop.core.serializers import RejectUnknownFieldsMixin


class CheckoutSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    cart_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class IdempotencyKeyHeader(serializers.Serializer):
    key = serializers.CharField(
        min_length=1, max_length=255, trim_whitespace=False, allow_blank=False
    )
