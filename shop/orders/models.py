from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone


class Order(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    created_at = models.DateTimeField(default=timezone.now)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Order #{self.pk}"


class OrderItem(models.Model):
    """What the customer bought, as it was then (pattern 09)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    # For reporting and joins. PROTECT: a SKU that was sold cannot be purged (pattern 06).
    sku = models.ForeignKey("products.SKU", on_delete=models.PROTECT, related_name="order_items")
    product_name = models.CharField(max_length=200)
    sku_code = models.CharField(max_length=64)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku_code}"
