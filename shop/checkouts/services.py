"""Checkout: turning a cart into an order, once."""

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from opentelemetry import trace

from shop.carts.selectors import cart_locked, cart_quantities
from shop.carts.services import cart_empty
from shop.checkouts.errors import EmptyCart, IdempotencyKeyReused
from shop.core.telemetry import tracer
from shop.orders.announcements import order_announce
from shop.orders.selectors import order_for_key
from shop.orders.services import Line, order_create
from shop.products.selectors import skus_locked_for_sale
from shop.products.services import skus_take_stock

if TYPE_CHECKING:  # a type, not a dependency: import-linter ignores these imports
    from shop.orders.models import Order


@dataclass(frozen=True)
class Checkout:
    order: "Order"
    replayed: bool  # True: an earlier request with the same Idempotency-Key made it


def order_place(*, user, cart_id: int, idempotency_key: str | None = None) -> Checkout:
    """Place the cart's order: all of it, once, or nothing.

    One transaction: lock the cart (one checkout of it at a time; a stranger's
    cart is a 404), honour the Idempotency-Key, lock the SKUs in id order and
    re-check stock under the lock, write the order in bulk, take the stock with
    F() behind CHECK (stock >= 0), empty the cart. The confirmation email goes
    out only after commit. The order comes back with its items, ready to answer.
    """
    # Pattern 05: a span inside the request's trace; a failure is recorded on it.
    attributes = {"shop.cart.id": cart_id, "shop.checkout.idempotency_key": bool(idempotency_key)}
    with tracer.start_as_current_span("checkout", attributes=attributes) as span:
        fingerprint = request_fingerprint(cart_id=cart_id)
        try:
            with transaction.atomic():
                checkout = _place_in_transaction(
                    user=user,
                    cart_id=cart_id,
                    idempotency_key=idempotency_key,
                    fingerprint=fingerprint,
                )
        except KeyTakenMeanwhile as lost:
            # The transaction (a savepoint, inside a caller's) is rolled back whole:
            # nothing in it was worth keeping, so the INSERT needs no savepoint of its
            # own. The winner has committed, and a fresh read finds it: answer as it
            # did, or refuse a different body.
            earlier = order_for_key(user=user, idempotency_key=idempotency_key)
            if earlier is None:
                raise lost.__cause__ from None  # not the key after all: the original error
            checkout = replay(earlier, fingerprint)
        span.set_attributes(
            {"shop.order.id": checkout.order.pk, "shop.checkout.replayed": checkout.replayed}
        )
        return checkout


class KeyTakenMeanwhile(Exception):
    """Another request with this Idempotency-Key committed its order while ours ran."""


def _place_in_transaction(
    *, user, cart_id: int, idempotency_key: str | None, fingerprint: str
) -> Checkout:
    locked_cart = cart_locked(user=user, cart_id=cart_id)
    if idempotency_key and (earlier := order_for_key(user=user, idempotency_key=idempotency_key)):
        return replay(earlier, fingerprint)

    quantities = cart_quantities(cart=locked_cart)
    if not quantities:
        raise EmptyCart()
    trace.get_current_span().set_attribute("shop.checkout.lines", len(quantities))
    skus = skus_locked_for_sale(quantities=quantities)
    lines = [
        Line(
            sku_id=sku.pk,
            product_name=sku.product.name,
            sku_code=sku.code,
            unit_price=sku.price,
            quantity=quantities[sku.pk],
        )
        for sku in skus
    ]
    try:
        order = order_create(
            user=user, lines=lines, idempotency_key=idempotency_key, request_fingerprint=fingerprint
        )
    except IntegrityError as exc:
        # The unique (user, key) constraint made this INSERT wait for another
        # transaction with the same key, which then committed. This transaction
        # is aborted: leave it, and let order_place answer outside it.
        if not idempotency_key:
            raise
        raise KeyTakenMeanwhile() from exc
    # Safe before the last writes: its email and notification wait for the commit.
    order_announce(order=order)
    skus_take_stock(quantities=quantities)
    cart_empty(cart=locked_cart)
    return Checkout(order=order, replayed=False)


def replay(earlier: "Order", fingerprint: str) -> Checkout:
    if earlier.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return Checkout(order=earlier, replayed=True)


def request_fingerprint(*, cart_id: int) -> str:
    """What makes two checkout requests "the same request" for an Idempotency-Key."""
    return hashlib.sha256(f"cart_id={cart_id}".encode()).hexdigest()
