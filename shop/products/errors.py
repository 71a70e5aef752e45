"""Catalogue errors."""

from shop.core.errors import Conflict, DomainError


class SKUNotAvailable(DomainError):
    """The SKU does not exist, or its product is archived."""

    status_code = 400
    code = "sku_not_available"
    default_detail = "This SKU does not exist or is no longer sold."


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, *, sku_code: str) -> None:
        super().__init__(f"Not enough stock for {sku_code}.")
        self.sku_code = sku_code


class StillReferenced(Conflict):
    """A hard delete refused: other records still point at what would be purged."""

    code = "still_referenced"

    def __init__(self, *, count: int, what: str) -> None:
        super().__init__(f"Cannot hard-delete: referenced by {count} {what}.")
        self.count = count
