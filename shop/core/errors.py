"""Domain errors: what went wrong in business terms, raised by services.

Each carries the HTTP status and machine-readable code that the one exception
handler (``shop.core.exception_handler``) turns into ``{"detail", "code"}``.
Services raise these; views never catch them.
"""

from typing import ClassVar


class DomainError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "domain_error"
    default_detail: ClassVar[str] = "The request could not be processed."

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)


class NotFound(DomainError):
    """Does not exist, or is not yours: the two are indistinguishable on purpose."""

    status_code = 404
    code = "not_found"
    default_detail = "Not found."


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_detail = "The request conflicts with the current state of the resource."


# --- Identity ---------------------------------------------------------------


class InvalidCredentials(DomainError):
    status_code = 401
    code = "invalid_credentials"
    default_detail = "No account matches that email and password."


class EmailNotVerified(DomainError):
    status_code = 401
    code = "email_not_verified"
    default_detail = "Verify your email address before logging in."


class InvalidVerificationToken(DomainError):
    status_code = 400
    code = "invalid_token"
    default_detail = "This verification link is invalid, expired or already used."


# --- Catalogue ------------------------------------------------------------------


class StillReferenced(Conflict):
    """A hard delete refused: other records still point at what would be purged."""

    code = "still_referenced"

    def __init__(self, *, count: int, what: str) -> None:
        super().__init__(f"Cannot hard-delete: referenced by {count} {what}.")
        self.count = count


# --- Carts and checkout --------------------------------------------------------------


class SKUNotAvailable(DomainError):
    """The SKU does not exist, or its product is archived."""

    status_code = 400
    code = "sku_not_available"
    default_detail = "This SKU does not exist or is no longer sold."


class QuantityTooLarge(DomainError):
    status_code = 400
    code = "quantity_too_large"

    def __init__(self, *, limit: int, total: int) -> None:
        super().__init__(f"A cart line holds at most {limit}; this would make {total}.")


class EmptyCart(DomainError):
    status_code = 400
    code = "empty_cart"
    default_detail = "The cart is empty."


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, *, sku_code: str) -> None:
        super().__init__(f"Not enough stock for {sku_code}.")
        self.sku_code = sku_code


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with a different request."
