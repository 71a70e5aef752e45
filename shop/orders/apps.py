from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Orders: immutable records of what was bought."""

    name = "shop.orders"
    label = "orders"

    def ready(self) -> None:
        from shop.core import outbox
        from shop.orders.emails import ORDER_CONFIRMATION_EMAIL, order_confirmation_email
        from shop.orders.notifications import ORDER_PLACED, order_placed

        outbox.register(ORDER_PLACED, order_placed)
        outbox.register(ORDER_CONFIRMATION_EMAIL, order_confirmation_email)
