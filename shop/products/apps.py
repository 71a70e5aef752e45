from django.apps import AppConfig


class ProductsConfig(AppConfig):
    """The catalogue: products and their SKUs."""

    name = "shop.products"
    label = "products"
