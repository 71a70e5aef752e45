"""Domain errors: what went wrong in business terms, raised by services.

Each carries the HTTP status and machine-readable code that the one exception
handler (``shop.core.exception_handler``) turns into ``{"detail", "code"}``.
Services raise these; views never catch them. Core holds the base and the two
errors every app shares; each app declares its own in ``<app>/errors.py``
(pattern 01: core knows no domain).
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
