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


class InvalidPasswordResetToken(DomainError):
    status_code = 400
    code = "invalid_token"
    default_detail = "This password-reset link is invalid, expired or already used."


class LoginEnded(DomainError):
    """A refresh token that does not work (any more): used, revoked, or past its login's end."""

    status_code = 401
    code = "token_not_valid"
    default_detail = "Token is invalid or expired."


class NoActiveAccount(DomainError):
    status_code = 401
    code = "no_active_account"
    default_detail = "No active account found for the given token."


class PasswordChanged(DomainError):
    status_code = 401
    code = "password_changed"
    default_detail = "The user's password has been changed."


class AccountLockedOut(DomainError):
    """Too many failed logins for one account or from one address (django-axes counts them)."""

    status_code = 429
    code = "locked_out"

    def __init__(self, *, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            f"Too many failed logins. Try again in {minutes} minute{'s' if minutes > 1 else ''}."
        )
