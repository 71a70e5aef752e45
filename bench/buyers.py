"""The buyers of the load benchmarks (``bench/checkout/``, ``bench/soak.py``), and the audit after.

Each buyer has an account, a JWT and one-unit carts; ``buyer_request`` sends what a
client sends the shop on gunicorn; ``audit`` says what the orders did to the stock.
"""

from typing import NamedTuple

from servers.gunicorn import Answer, request


class Buyer(NamedTuple):
    user: object  # shop.users.models.User, imported once Django is set up
    token: str  # a JWT access token
    carts: list[int]


def buyers_with_carts(skus: list, *, buyers: int, carts: int, email: str) -> list[Buyer]:
    """``buyers`` accounts (``{email}{n}@example.com``, made once), each with ``carts`` new carts.

    Each cart holds one unit of one of ``skus``, taken in turn across all the carts.
    """
    from shop.carts.models import Cart, CartItem
    from shop.users.models import User
    from shop.users.serializers import ActiveUserTokenObtainPairSerializer

    made = []
    for n in range(buyers):
        user, _ = User.objects.get_or_create(
            email=f"{email}{n}@example.com", defaults={"is_active": True}
        )
        token = str(ActiveUserTokenObtainPairSerializer.get_token(user).access_token)
        new = Cart.objects.bulk_create(Cart(user=user) for _ in range(carts))
        CartItem.objects.bulk_create(
            CartItem(cart=cart, sku=skus[(n * carts + i) % len(skus)], quantity=1)
            for i, cart in enumerate(new)
        )
        made.append(Buyer(user, token, [cart.pk for cart in new]))
    return made


def buyer_request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    *,
    token: str | None = None,
    key: str | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request as a buyer sends it: with its JWT, and an Idempotency-Key when given."""
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if key:
        sent["Idempotency-Key"] = key
    return request(port, method, path, body, sent, timeout=60)


def audit(initial: dict[int, int]) -> dict:
    """What the orders of these SKUs did to their stock; ``initial``: each SKU's stock before.

    ``oversold``: units sold past a SKU's stock; ``stock_mismatch``: stock gone without
    an order, or orders the stock never paid for; ``duplicates``: orders placed twice
    for one Idempotency-Key. All three must be 0.
    """
    from django.db.models import Count, Sum

    from shop.orders.models import Order, OrderItem
    from shop.products.models import SKU

    items = OrderItem.objects.filter(sku_id__in=initial)
    sold = dict(items.values_list("sku_id").annotate(Sum("quantity")))
    stock = dict(SKU.objects.filter(pk__in=initial).values_list("pk", "stock"))
    orders = Order.objects.filter(pk__in=items.values("order_id"))
    return {
        "orders": orders.count(),
        "units_sold": sum(sold.values()),
        "oversold": sum(max(0, sold.get(pk, 0) - start) for pk, start in initial.items()),
        "stock_mismatch": sum(
            abs(start - sold.get(pk, 0) - stock[pk]) for pk, start in initial.items()
        ),
        "duplicates": sum(
            row["n"] - 1
            for row in orders.values("user", "idempotency_key")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        ),
        "starting_stock": sum(initial.values()),
        "stock_left": sum(stock.values()),
    }
