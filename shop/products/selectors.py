"""Reads of the catalogue."""

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

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
