from django.db import models
from django.db.models import Q
from django.utils import timezone


class Product(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Soft delete: archived products leave the catalogue but stay
    # intact wherever they were ordered.
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        # Newest first, then highest id: a total order, so pages never overlap or skip.
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class SKU(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(max_length=64, unique=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    # Checkout decrements stock with F(); the database refuses to go below zero.
    stock = models.IntegerField(default=0)

    class Meta:
        verbose_name = "SKU"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__gte=0), name="products_sku_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="products_sku_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.code
