"""Domain errors: the base every app's errors extend, and the two every app shares.

Each carries the HTTP status and code that ``shop.core.exception_handler`` turns into
``{"detail", "code"}``; each app declares its own in ``<app>/errors.py``.
"""

from typing import ClassVar


class DomainError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "domain_error"
    default_detail: ClassVar[str] = "The request could not be processed."
    # Seconds until trying again makes sense: the answer's Retry-After header.
    retry_after: int | None = None

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
