from django.apps import AppConfig


class CheckoutsConfig(AppConfig):
    """Checkout: turning a cart into an order, once."""

    name = "shop.checkouts"
    label = "checkouts"
