"""Writes to the catalogue. Each is one statement or one transaction."""

from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, When

from shop.core.rows import update_or_not_found
from shop.products.errors import StillReferenced
from shop.products.models import SKU, Product


@transaction.atomic
def product_create(*, name: str, description: str = "", skus: list[dict]) -> Product:
    """A product and its SKUs, all or nothing."""
    product = Product.objects.create(name=name, description=description)
    SKU.objects.bulk_create(SKU(product=product, **sku) for sku in skus)
    return product


def product_update(*, product: Product, **changes) -> Product:
    """Rename, describe, archive or restore (``is_active``); 404 if purged meanwhile."""
    update_or_not_found(product, **changes)
    return product


def product_archive(*, product: Product) -> None:
    """Soft delete: out of the catalogue, intact in every order that has it."""
    Product.objects.filter(pk=product.pk).update(is_active=False)


def product_purge(*, product: Product) -> None:
    """Hard delete, refused while any order item (or other protected row) refers to it.

    The check and the delete are not atomic with respect to other transactions:
    an order item may be written in between. ``on_delete=PROTECT`` is only
    emulated by the ORM, so the database's foreign key is what finally refuses,
    with an IntegrityError at commit. Either way the answer is the same 409.
    """
    product_id = product.pk  # delete() sets it to None before the commit can fail
    refusal = still_referenced(product_id)
    if refusal:
        raise refusal
    try:
        with transaction.atomic():
            product.delete()
    except (models.ProtectedError, IntegrityError) as exc:
        product.pk = product_id
        raise still_referenced(product_id) or StillReferenced(count=1, what="records") from exc


def still_referenced(product_id: int) -> StillReferenced | None:
    """Count the rows that protect the product's SKUs, without naming their apps.

    Products sit below orders in the dependency graph: instead of
    importing OrderItem, ask the model graph which relations PROTECT a SKU.
    """
    purged = [
        (Product, Product.objects.filter(pk=product_id)),
        (SKU, SKU.objects.filter(product_id=product_id)),
    ]
    for model, rows in purged:
        for relation in model._meta.related_objects:
            if relation.on_delete in (models.PROTECT, models.RESTRICT):
                count = relation.related_model._base_manager.filter(
                    **{f"{relation.field.name}__in": rows}
                ).count()
                if count:
                    return StillReferenced(
                        count=count, what=str(relation.related_model._meta.verbose_name_plural)
                    )
    return None


def sku_update(*, sku: SKU, price: Decimal | None = None, stock: int | None = None) -> SKU:
    """Set the price or stock; 404 if its product was purged meanwhile."""
    changes = {
        field: value for field, value in [("price", price), ("stock", stock)] if value is not None
    }
    update_or_not_found(sku, **changes)
    return sku


def skus_take_stock(*, quantities: dict[int, int]) -> None:
    """Decrement every SKU in one UPDATE; the CHECK (stock >= 0) constraint backs it."""
    SKU.objects.filter(pk__in=quantities).update(
        stock=Case(*(When(pk=pk, then=F("stock") - qty) for pk, qty in quantities.items()))
    )
