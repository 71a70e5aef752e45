"""Writing orders. Only checkout places them; nothing edits them afterwards."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shop.orders.models import Order, OrderItem

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    """One line of a sale, with the catalogue's facts as they are at this moment."""

    sku_id: int
    product_name: str
    sku_code: str
    unit_price: Decimal
    quantity: int

    @property
    def total(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def order_create(
    *, user, lines: list[Line], idempotency_key: str | None = None, request_fingerprint: str = ""
) -> Order:
    """The order and its items, in two INSERTs whatever the number of lines.

    Raises IntegrityError when the user already has an order with this
    Idempotency-Key (the database's unique constraint decides, not a prior read).
    """
    order = Order.objects.create(
        user=user,
        total=sum((line.total for line in lines), Decimal("0.00")),
        idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint,
    )
    items = OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            sku_id=line.sku_id,
            product_name=line.product_name,
            sku_code=line.sku_code,
            unit_price=line.unit_price,
            quantity=line.quantity,
            line_total=line.total,
        )
        for line in lines
    )
    keep_as_prefetched(order, items)
    return order


def keep_as_prefetched(order: Order, items: list[OrderItem]) -> None:
    """Let ``order.items.all()`` return the rows just written, without reading them back.

    The checkout answers with the order it wrote; reading it again would cost two
    queries for what is already in hand. This stores the items exactly where
    ``prefetch_related("items")`` would (Django's own prefetch does the same three
    assignments), so every reader of ``order.items`` sees them.
    """
    queryset = order.items.all()
    queryset._result_cache = items
    queryset._prefetch_done = True
    order._prefetched_objects_cache = {"items": queryset}
