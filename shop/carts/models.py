from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_QUANTITY = 1000


class Cart(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carts"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Cart #{self.pk}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey("products.SKU", on_delete=models.CASCADE, related_name="cart_items")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            # One line per SKU: adding it again adds to the quantity.
            models.UniqueConstraint(fields=["cart", "sku"], name="carts_cartitem_one_line_per_sku"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_QUANTITY),
                name="carts_cartitem_quantity_1_to_1000",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x SKU {self.sku_id}"
