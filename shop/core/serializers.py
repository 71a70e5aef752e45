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
