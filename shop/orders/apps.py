from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Orders: immutable records of what was bought."""

    name = "shop.orders"
    label = "orders"

    def ready(self) -> None:
        from shop.orders.emails import ORDER_CONFIRMATION_EMAIL, order_confirmation_email
        from shop.orders.notifications import ORDER_PLACED, order_placed
        from shop.outbox.delivery import register

        register(ORDER_PLACED, order_placed)
        register(ORDER_CONFIRMATION_EMAIL, order_confirmation_email)
