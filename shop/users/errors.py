"""Identity errors."""

from shop.core.errors import DomainError


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
