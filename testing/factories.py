from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "users.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    password = Password(DEFAULT_PASSWORD)
    is_active = True
    email_verified_at = factory.LazyFunction(timezone.now)

    class Params:
        unverified = factory.Trait(is_active=False, email_verified_at=None)
        staff = factory.Trait(is_staff=True)


# --- Catalogue and orders ------------------------------------------------------------


class ProductFactory(DjangoModelFactory):
    """``ProductFactory(skus=3)``: a product with three SKUs; none unless asked."""

    class Meta:
        model = "products.Product"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Product {n}")
    description = ""
    is_active = True

    class Params:
        archived = factory.Trait(is_active=False)

    @factory.post_generation
    def skus(product, create, extracted, **kwargs):
        if create and extracted:
            SKUFactory.create_batch(extracted, product=product, **kwargs)


class SKUFactory(DjangoModelFactory):
    class Meta:
        model = "products.SKU"

    product = factory.SubFactory(ProductFactory)
    code = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = Decimal("12.50")
    stock = 10


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = "orders.Order"

    user = factory.SubFactory(UserFactory)


class OrderItemFactory(DjangoModelFactory):
    """A line of an order, snapshotting its SKU as it is now."""

    class Meta:
        model = "orders.OrderItem"

    order = factory.SubFactory(OrderFactory)
    sku = factory.SubFactory(SKUFactory)
    product_name = factory.LazyAttribute(lambda item: item.sku.product.name)
    sku_code = factory.LazyAttribute(lambda item: item.sku.code)
    unit_price = factory.LazyAttribute(lambda item: item.sku.price)
    quantity = 1
    line_total = factory.LazyAttribute(lambda item: item.unit_price * item.quantity)


# --- Carts ---------------------------------------------------------------------------


class CartFactory(DjangoModelFactory):
    class Meta:
        model = "carts.Cart"

    user = factory.SubFactory(UserFactory)


class CartItemFactory(DjangoModelFactory):
    """A cart line; its SKU (and product) are new unless given."""

    class Meta:
        model = "carts.CartItem"

    cart = factory.SubFactory(CartFactory)
    sku = factory.SubFactory(SKUFactory)
    quantity = 1
