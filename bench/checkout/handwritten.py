"""The shop's checkout transaction written by hand in SQL: what the floors in ``floors.py`` run.

The database floor from psycopg threads (``database_checkout``), the framework floor in a
bare Django view on gunicorn (``checkout_view``, served with ``settings_floor.py``).
"""

import hashlib
import json
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

USER = (
    "SELECT id, password, last_login, is_superuser, email, is_active, email_verified_at,"
    " is_staff, date_joined FROM users_user WHERE id = %s"
)
CART = "SELECT id, user_id, created_at FROM carts_cart WHERE id = %s AND user_id = %s FOR UPDATE"
EARLIER = (
    "SELECT id, request_fingerprint FROM orders_order"
    " WHERE user_id = %s AND idempotency_key = %s LIMIT 1"
)
LINES = "SELECT id, sku_id, quantity FROM carts_cartitem WHERE cart_id = %s ORDER BY sku_id"
SKUS = (
    "SELECT s.id, s.code, s.price, s.stock, p.name, p.is_active"
    " FROM products_sku s JOIN products_product p ON p.id = s.product_id"
    " WHERE s.id = ANY(%s) ORDER BY s.id FOR UPDATE OF s"
)
ORDER = (
    "INSERT INTO orders_order (user_id, status, created_at, total, idempotency_key,"
    " request_fingerprint) VALUES (%s, 'placed', %s, %s, %s, %s) RETURNING id"
)
ITEM = (
    "INSERT INTO orders_orderitem (order_id, sku_id, product_name, sku_code, unit_price,"
    " quantity, line_total) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
OUTBOX = (
    "INSERT INTO core_outboxmessage (id, topic, payload, created_at, delivered_at, attempts,"
    " last_error, retry_at) VALUES (%s, 'order.placed', %s::jsonb, %s, NULL, 0, '', NULL)"
)
TAKE = "UPDATE products_sku SET stock = stock - %s WHERE id = %s"
EMPTY = "DELETE FROM carts_cartitem WHERE cart_id = %s"


class Refused(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


def checkout_in_sql(
    cursor, atomic: Callable[[], AbstractContextManager], *, user_id: int, cart_id: int, key: str
) -> tuple[int, dict]:
    """The shop's checkout of a cart, as SQL: (status, body). One-line carts, as benchmarked.

    The statements the shop's checkout runs, in the same order, with the same locks:
    the caller's account (the shop's JWT user lookup), then in one transaction the
    cart row locked, the Idempotency-Key lookup, the cart's lines, the SKUs locked in
    id order with their products, the re-check of stock, the order and item INSERTs,
    the outbox row, the stock UPDATE, the cart's lines deleted. None of the shop's
    Python around them.
    """
    try:
        cursor.execute(USER, [user_id])
        user = cursor.fetchone()
        if user is None or not user[5]:
            raise Refused(401, "not_authenticated")
        fingerprint = hashlib.sha256(f"cart_id={cart_id}".encode()).hexdigest()
        with atomic():
            cursor.execute(CART, [cart_id, user_id])
            if cursor.fetchone() is None:
                raise Refused(404, "not_found")
            cursor.execute(EARLIER, [user_id, key])
            if earlier := cursor.fetchone():
                if earlier[1] != fingerprint:
                    raise Refused(422, "idempotency_key_reused")
                return 201, {"id": earlier[0], "replayed": True}
            cursor.execute(LINES, [cart_id])
            quantities = {sku_id: quantity for _, sku_id, quantity in cursor.fetchall()}
            if not quantities:
                raise Refused(400, "empty_cart")
            cursor.execute(SKUS, [list(quantities)])
            skus = cursor.fetchall()
            for sku_id, _, _, stock, _, is_active in skus:
                if not is_active or stock < quantities[sku_id]:
                    raise Refused(409, "insufficient_stock")
            created_at = datetime.now(UTC)
            lines = [
                (sku_id, name, code, price, quantities[sku_id], price * quantities[sku_id])
                for sku_id, code, price, _, name, _ in skus
            ]
            total = sum((line[-1] for line in lines), Decimal("0.00"))
            cursor.execute(ORDER, [user_id, created_at, total, key, fingerprint])
            order_id = cursor.fetchone()[0]
            for line in lines:
                cursor.execute(ITEM, [order_id, *line])
            payload = {"order_id": order_id, "user_id": user_id, "total": f"{total:.2f}"}
            cursor.execute(OUTBOX, [uuid.uuid4(), json.dumps(payload), created_at])
            for sku_id, *_ in skus:
                cursor.execute(TAKE, [quantities[sku_id], sku_id])
            cursor.execute(EMPTY, [cart_id])
    except Refused as refusal:
        return refusal.status, {"code": refusal.code}
    return 201, {
        "id": order_id,
        "status": "placed",
        "created_at": created_at.isoformat(),
        "total": f"{total:.2f}",
        "items": [
            {
                "sku_id": sku_id,
                "product_name": name,
                "sku_code": code,
                "unit_price": f"{price:.2f}",
                "quantity": quantity,
                "line_total": f"{line_total:.2f}",
            }
            for sku_id, name, code, price, quantity, line_total in lines
        ],
    }


# --- The database floor: psycopg, no web stack -----------------------------------------------


def database_connection(django_params: dict):
    """A plain psycopg connection to Django's database, binding parameters as Django does.

    Django's psycopg 3 cursors bind parameters client-side (one round trip a
    statement, no prepared statements): so does this one. Django's own cursor class
    and type adapters are left out.
    """
    import psycopg

    params = {k: v for k, v in django_params.items() if k not in {"cursor_factory", "context"}}
    return psycopg.connect(**params, autocommit=True, cursor_factory=psycopg.ClientCursor)


def database_checkout(conn, *, user_id: int, cart_id: int, key: str) -> int:
    with conn.cursor() as cursor:
        status, _ = checkout_in_sql(
            cursor, conn.transaction, user_id=user_id, cart_id=cart_id, key=key
        )
    return status


# --- The framework floor: a bare Django view --------------------------------------------------


@csrf_exempt
def checkout_view(request: HttpRequest) -> JsonResponse:
    """``checkout_in_sql`` in a bare Django view: the framework floor.

    Served by the same gunicorn as the shop, with its settings, middleware and persistent
    connections, but no tracing, no JWT (the buyer's id comes in a header) and no DRF.
    """
    body = json.loads(request.body)
    with connection.cursor() as cursor:
        status, answer = checkout_in_sql(
            cursor,
            transaction.atomic,
            user_id=int(request.headers["X-User-Id"]),
            cart_id=int(body["cart_id"]),
            key=request.headers["Idempotency-Key"],
        )
    return JsonResponse(answer, status=status)


def health_view(request: HttpRequest) -> JsonResponse:
    """What servers.gunicorn.Gunicorn waits for before it hands the server over."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": "ok"})


urlpatterns = [
    path("floor/checkout/", checkout_view),
    path("api/health/", health_view),
]
