"""Emails about orders. Sent after commit (pattern 10), never inside a transaction."""

from django.core.mail import send_mail

from shop.orders.models import OrderItem


def send_order_confirmation(*, order_id: int) -> None:
    # One query: the items, each joined to its order and the buyer (a checkout never
    # writes an order without items). It runs after the commit, in the request that
    # placed the order until a task queue takes it, so it is kept to one round trip.
    items = list(OrderItem.objects.select_related("order__user").filter(order_id=order_id))
    order = items[0].order
    lines = "\n".join(
        f"  {i.quantity} x {i.product_name} ({i.sku_code})  {i.line_total}" for i in items
    )
    send_mail(
        subject=f"Your order #{order.pk}",
        message=f"Thank you for your order.\n\n{lines}\n\nTotal: {order.total}\n",
        from_email=None,
        recipient_list=[order.user.email],
    )
