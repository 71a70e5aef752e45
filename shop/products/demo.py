"""Demo catalogue for ``manage.py seed_demo``: idempotent, keyed by SKU code."""

from decimal import Decimal

from shop.products.models import SKU, Product

CATALOGUE = [
    ("Porcelain", "A plain porcelain teacup.", [("POR-CUP", "12.50", 40)]),
    (
        "Porcelain Teapot",
        "Holds six cups.",
        [("POR-POT-S", "39.00", 12), ("POR-POT-L", "49.00", 8)],
    ),
    ("Blue porcelain bowl", "Hand-glazed.", [("POR-BOWL-B", "18.00", 25)]),
    ("Oak chopping board", "End grain oak.", [("OAK-BOARD", "45.00", 10)]),
    ("Linen napkins", "A set of four.", [("LIN-NAP-4", "22.00", 60)]),
    ("Last one left", "For trying concurrent checkouts: stock of one.", [("LAST-1", "99.00", 1)]),
]


def seed(stdout) -> None:
    for name, description, skus in CATALOGUE:
        existing = SKU.objects.filter(code=skus[0][0]).select_related("product").first()
        product = (
            existing.product
            if existing
            else Product.objects.create(name=name, description=description)
        )
        for code, price, stock in skus:
            SKU.objects.update_or_create(
                code=code, defaults={"product": product, "price": Decimal(price), "stock": stock}
            )
        stdout.write(f"  product: {product.name} ({len(skus)} SKU{'s' * (len(skus) > 1)})")
