from django.apps import AppConfig


class ProductsConfig(AppConfig):
    """The catalogue: products and their SKUs."""

    name = "shop.products"
    label = "products"

    def seed_demo(self, stdout) -> None:
        from shop.products import demo

        demo.seed(stdout)
