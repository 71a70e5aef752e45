from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

# What an order item keeps of the catalogue as it was at checkout.
SNAPSHOT_FIELDS = ["product_name", "sku_code", "unit_price", "quantity", "line_total"]


class SnapshotIsImmutable(Exception):
    """An order's record of what was bought cannot change after it is written."""


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", "Placed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLACED)
    created_at = models.DateTimeField(default=timezone.now)
    # Wider than a SKU price (12 digits): 1000 units of the dearest SKU, many lines.
    total = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal("0.00"))
    # The client's Idempotency-Key, and a fingerprint of the request it came with.
    # Unique per user in the database: two concurrent requests with
    # one key cannot both create an order.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="orders_order_one_order_per_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"Order #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        # After creation only the status may move: the rest is the record of a sale.
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or set(update_fields) - {"status"}):
            raise SnapshotIsImmutable(f"Order #{self.pk}: only its status may change.")
        super().save(*args, **kwargs)


class OrderItem(models.Model):
    """What the customer bought, as it was then."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    # For reporting and joins. PROTECT: a SKU that was sold cannot be purged.
    sku = models.ForeignKey("products.SKU", on_delete=models.PROTECT, related_name="order_items")
    product_name = models.CharField(max_length=200)
    sku_code = models.CharField(max_length=64)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=20, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku_code}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise SnapshotIsImmutable(
                f"Order item #{self.pk} is a record of a sale; it cannot change."
            )
        super().save(*args, **kwargs)
