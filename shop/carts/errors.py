"""Cart errors."""

from shop.core.errors import DomainError


class QuantityTooLarge(DomainError):
    status_code = 400
    code = "quantity_too_large"

    def __init__(self, *, limit: int, total: int) -> None:
        super().__init__(f"A cart line holds at most {limit}; this would make {total}.")
