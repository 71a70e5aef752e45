from django.db import models

from naive_shop.orders.models import Order


class PaymentIntent(models.Model):
    order = models.OneToOneField(Order, on_delete=models.PROTECT)
    provider_reference = models.CharField(max_length=100)
