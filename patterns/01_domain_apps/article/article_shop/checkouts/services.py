from django.db import transaction
from rest_framework.exceptions import ValidationError

from article_shop.orders.emails import send_order_emails
from article_shop.orders.models import Order, OrderItem  # section 8: the service reads them
from article_shop.products.models import SKU


@transaction.atomic
def create_order_from_cart(cart, *, user, idempotency_key=None):
    if idempotency_key:
        existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if existing:
            return existing

    skus = {
        s.id: s
        for s in SKU.objects.select_for_update(of=("self",)).filter(
            id__in=cart.items.values_list("sku_id", flat=True)
        )
    }

    for cart_item in cart.items.all():
        sku = skus.get(cart_item.sku_id)
        if not sku or sku.stock < cart_item.quantity:
            raise ValidationError(f"Insufficient stock for {cart_item.sku_code}")

    order = Order.objects.create(user=user, idempotency_key=idempotency_key)
    OrderItem.objects.bulk_create([])

    transaction.on_commit(lambda: send_order_emails(order))
    return order
