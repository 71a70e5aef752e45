from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Orders: immutable records of what was bought."""

    name = "shop.orders"
    label = "orders"
