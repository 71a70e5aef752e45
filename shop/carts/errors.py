"""Cart errors."""

from shop.core.errors import DomainError


class QuantityTooLarge(DomainError):
    status_code = 400
    code = "quantity_too_large"

    def __init__(self, *, limit: int, total: int) -> None:
        super().__init__(f"A cart line holds at most {limit}; this would make {total}.")


class CartLimitReached(DomainError):
    status_code = 409
    code = "cart_limit"

    def __init__(self, *, limit: int) -> None:
        super().__init__(f"A customer has at most {limit} carts: add to one you have.")
