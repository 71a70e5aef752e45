"""Emails about orders. Sent after commit (pattern 10), never inside a transaction."""

from django.core.mail import send_mail

from shop.orders.models import Order


def send_order_confirmation(*, order_id: int) -> None:
    order = Order.objects.select_related("user").prefetch_related("items").get(pk=order_id)
    lines = "\n".join(
        f"  {i.quantity} x {i.product_name} ({i.sku_code})  {i.line_total}"
        for i in order.items.all()
    )
    send_mail(
        subject=f"Your order #{order.pk}",
        message=f"Thank you for your order.\n\n{lines}\n\nTotal: {order.total}\n",
        from_email=None,
        recipient_list=[order.user.email],
    )
