"""Reads of the catalogue."""

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from shop.products.errors import InsufficientStock, SKUNotAvailable
from shop.products.models import SKU, Product

# Pattern 07: how well a product's name matches a search term.
EXACT, PREFIX, SUBSTRING = 100, 50, 10


def product_list(*, include_inactive: bool = False) -> QuerySet[Product]:
    """Products with their SKUs in two queries, newest first, then highest id."""
    products = Product.objects.prefetch_related(
        Prefetch("skus", queryset=SKU.objects.order_by("id"))
    )
    return products if include_inactive else products.filter(is_active=True)


def product_search(products: QuerySet[Product], term: str) -> QuerySet[Product]:
    """Only names containing ``term``, exact match first, then prefix, then substring.

    Ties go newest first, then highest id, so the order is total and pages never
    repeat or skip a product. ``%``, ``_`` and backslashes in ``term`` are literal:
    Django escapes them in LIKE patterns.
    """
    return (
        products.filter(name__icontains=term)
        .annotate(
            search_rank=Case(
                When(name__iexact=term, then=Value(EXACT)),
                When(name__istartswith=term, then=Value(PREFIX)),
                default=Value(SUBSTRING),
                output_field=IntegerField(),
            )
        )
        .order_by("-search_rank", "-created_at", "-id")
    )


# --- For carts and checkout (they never import the catalogue's models) ---------


def sku_for_sale(*, sku_id: int) -> SKU:
    """A SKU a customer may put in a cart: it exists and its product is active."""
    sku = SKU.objects.filter(pk=sku_id, product__is_active=True).first()
    if sku is None:
        raise SKUNotAvailable()
    return sku


def skus_locked_for_sale(*, quantities: dict[int, int]) -> list[SKU]:
    """Lock the SKUs (in id order) and check each can still be sold in that quantity.

    Everyone locks in the same order, so two checkouts holding A,B and B,A wait
    for each other instead of deadlocking. ``of=("self",)`` locks the SKU rows
    only, not the joined products.
    """
    skus = list(
        SKU.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk__in=quantities)
        .order_by("id")
    )
    found = {sku.pk for sku in skus}
    for sku in skus:
        if not sku.product.is_active or sku.stock < quantities[sku.pk]:
            raise InsufficientStock(sku_code=sku.code)
    if found != set(quantities):
        raise SKUNotAvailable()
    return skus
