"""Checkout errors."""

from shop.core.errors import DomainError


class EmptyCart(DomainError):
    status_code = 400
    code = "empty_cart"
    default_detail = "The cart is empty."


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with a different request."
