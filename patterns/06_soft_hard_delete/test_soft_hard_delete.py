"""Pattern 06: DELETE archives; a hard delete purges only what nothing references."""

from decimal import Decimal

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError
from django.db.models.deletion import ProtectedError
from rest_framework.routers import SimpleRouter

from kata.variants import Fails, Holds, Kata, load_variant, said
from shop.orders.models import Order, OrderItem
from shop.products.models import SKU, Product
from shop.products.views import ProductViewSet
from testing.concurrency import run_meanwhile
from testing.crashes import CheckedClient, answer
from testing.factories import UserFactory
from testing.preconditions import require
from testing.urls import mount

kata = Kata(
    naive=load_variant(__file__, "naive").ProductViewSet,
    article=load_variant(__file__, "article").ProductViewSet,
    shop=ProductViewSet,
)
STOCK_DESTROY_500 = (
    "DRF's stock destroy meets PROTECT: ProtectedError, which DRF's handler leaves a 500"
)


@pytest.fixture
def staff(variant, settings):
    """The variant's viewset at /products/, called by staff; a 500 comes back as a response."""
    router = SimpleRouter()
    router.register("products", variant, basename="product")
    mount(settings, router.urls)
    client = CheckedClient()
    client.force_authenticate(UserFactory(staff=True))
    return client


def product_with_sku(name: str = "Porcelain vase") -> tuple[Product, SKU]:
    product = Product.objects.create(name=name)
    return product, SKU.objects.create(
        product=product, code=f"{name[:3].upper()}-1", price=Decimal("12.50"), stock=5
    )


def order(sku: SKU, quantity: int = 1) -> OrderItem:
    """An order item referring to ``sku``, written directly (checkout comes with pattern 08)."""
    purchase = Order.objects.create(user=UserFactory(), total=sku.price * quantity)
    return OrderItem.objects.create(
        order=purchase,
        sku=sku,
        product_name=sku.product.name,
        sku_code=sku.code,
        unit_price=sku.price,
        quantity=quantity,
        line_total=sku.price * quantity,
    )


@pytest.mark.django_db
@kata(
    naive=Fails("DRF's stock destroy deletes the row: DELETE destroys history"),
    article=Holds("its destroy archives unless ?hard= says otherwise"),
)
def test_delete_archives_the_product_instead_of_destroying_it(staff):
    product, _ = product_with_sku()

    response = staff.delete(f"/products/{product.pk}/")

    kept = Product.objects.filter(pk=product.pk).first()
    assert kept is not None, said(
        "DELETE on a product",
        f"{answer(response)} and the row gone",
        "204 and the product archived",
    )
    assert (response.status_code, kept.is_active) == (204, False)


@pytest.mark.django_db
@kata(naive=Fails(STOCK_DESTROY_500), article=Holds("an archive deletes nothing"))
def test_delete_archives_an_ordered_product_and_its_orders_stay_intact(staff):
    product, sku = product_with_sku()
    item = order(sku)

    response = staff.expecting(ProtectedError).delete(f"/products/{product.pk}/")

    assert response.status_code == 204, said(
        "DELETE on a product that was ordered", answer(response), 204
    )
    assert OrderItem.objects.get(pk=item.pk).sku_id == sku.pk


@pytest.mark.django_db
@kata(
    naive=Fails(STOCK_DESTROY_500),
    article=Holds("it counts the order items first and answers 409 with the count"),
)
def test_a_hard_delete_of_an_ordered_product_is_refused_with_409_and_the_count(staff):
    product, sku = product_with_sku()
    order(sku)
    order(sku, quantity=2)

    response = staff.expecting(ProtectedError).delete(f"/products/{product.pk}/?hard=true")

    assert response.status_code == 409, said(
        "DELETE ?hard=true on a product in 2 order items", answer(response), 409
    )
    assert response.json()["detail"] == "Cannot hard-delete: referenced by 2 order items."
    assert Product.objects.filter(pk=product.pk, is_active=True).exists()


@pytest.mark.postgres(reason="the database's deferred foreign key is what catches the race")
@pytest.mark.django_db(transaction=True)
@kata(
    naive=Fails("the foreign key refuses at commit: IntegrityError, a 500 without a handler"),
    article=Fails(
        "check, then delete: the order arrives after the check, the foreign key refuses "
        "at commit, and nothing maps the IntegrityError: a 500"
    ),
)
def test_an_order_written_during_a_hard_delete_gets_409_not_500(staff):
    """Force the race: after the ORM's PROTECT check (and any check of the variant's own)
    found no order items, just before the first DELETE, another transaction orders the
    SKU and commits; then the purge goes on."""
    product, sku = product_with_sku()

    response, placed = run_meanwhile(
        lambda: staff.expecting(IntegrityError).delete(f"/products/{product.pk}/?hard=true"),
        before="DELETE FROM",
        meanwhile=lambda: order(sku),
        lanes=("purge", "checkout"),
    )

    require(isinstance(placed, OrderItem), f"an order arrived before the DELETE (got {placed!r})")
    assert response.status_code == 409, said(
        "DELETE ?hard=true while an order for its SKU committed mid-delete", answer(response), 409
    )
    assert response.json()["detail"] == "Cannot hard-delete: referenced by 1 order items."
    assert SKU.objects.filter(pk=sku.pk).exists()


@pytest.mark.django_db
@kata(
    naive=Fails("DRF's stock destroy reads no flag: the product is gone"),
    article=Fails("anything but 1, true or yes reads as false: a typo archives quietly"),
)
def test_a_misspelt_hard_flag_is_refused_and_changes_nothing(staff):
    product, _ = product_with_sku()

    response = staff.delete(f"/products/{product.pk}/?hard=ture")

    row = Product.objects.filter(pk=product.pk).first()
    state = "gone" if row is None else "listed" if row.is_active else "archived"
    assert (response.status_code, state) == (400, "listed"), said(
        "DELETE ?hard=ture",
        f"{answer(response)} and the product {state}",
        "400 and the product listed",
    )


@pytest.mark.django_db
def test_the_articles_own_lookup_cannot_run_on_its_own_order_item():
    """The article counts ``OrderItem.objects.filter(product=product)``; its order item
    (section 9, like ours) points at a SKU, so the check raises before it counts."""
    product, _ = product_with_sku()

    with pytest.raises(FieldError, match="Cannot resolve keyword 'product'"):
        OrderItem.objects.filter(product=product).exists()
