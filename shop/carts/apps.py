from django.apps import AppConfig


class CartsConfig(AppConfig):
    """Carts: what a customer means to buy."""

    name = "shop.carts"
    label = "carts"
