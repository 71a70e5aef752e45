"""Emails the identity domain sends, as outbox messages: written in the service's transaction,
delivered after its COMMIT (patterns/10_on_commit/README.md), at least once.

Each link's token is made when the email is delivered, not when it is queued: no token
waits in the outbox table, and a link's lifetime starts when it leaves. Each email says
what to do if the reader did not ask for it.
"""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.outbox.mail import email_message_id
from shop.users.models import User
from shop.users.tokens import (
    AccountLinkTokenGenerator,
    email_verification_token,
    password_reset_token,
)

VERIFICATION_EMAIL = "users.verification_email"
PASSWORD_RESET_EMAIL = "users.password_reset_email"

# Why a reset link is sent: asked for, or someone registered an address that has an account.
RESET_ASKED = "asked"
RESET_ON_REGISTRATION = "registration"


def verification_email(message_id: UUID, payload: dict[str, Any]) -> None:
    """The outbox handler for "users.verification_email" (registered in UsersConfig.ready)."""
    user = User.objects.filter(pk=payload["user_id"], email_verified_at__isnull=True).first()
    if user is None:  # verified or deleted since: nothing to say
        return
    days = settings.EMAIL_VERIFICATION_TIMEOUT // 86400
    send(
        user=user,
        subject="Verify your email address",
        body=(
            "Welcome to the shop. Confirm your address to log in:\n\n"
            f"{link(settings.EMAIL_VERIFICATION_URL, user, email_verification_token)}\n\n"
            f"The link works once, for {days} days.\n\n"
            "Did not register? Ignore this email: without the link the account never "
            f"opens, and it is deleted after {days} days.\n"
        ),
        email_id=email_message_id(kind="verification", message_id=message_id),
    )


def password_reset_email(message_id: UUID, payload: dict[str, Any]) -> None:
    """The outbox handler for "users.password_reset_email" (registered in UsersConfig.ready)."""
    user = User.objects.reachable().filter(pk=payload["user_id"]).first()
    if user is None:  # deleted, or deactivated by staff since: a password would not help
        return
    url = link(settings.PASSWORD_RESET_URL, user, password_reset_token)
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if payload["reason"] == RESET_ON_REGISTRATION:
        opening = (
            "Someone tried to register at the shop with this address, which already has "
            "an account. If it was you, set your password here:"
        )
        otherwise = "If it was not you, ignore this email: nothing has changed."
    else:
        opening = "Someone asked to reset the password of your shop account. Set a new one here:"
        otherwise = "If you did not ask, ignore this email: your password stays as it is."
    send(
        user=user,
        subject="Set your password",
        body=(
            f"{opening}\n\n{url}\n\n"
            f"The link works once, for {minutes} minutes. Setting a password also "
            "confirms your address and logs out every device logged in to the account.\n\n"
            f"{otherwise}\n"
        ),
        email_id=email_message_id(kind="password-reset", message_id=message_id),
    )


def link(template: str, user: User, tokens: AccountLinkTokenGenerator) -> str:
    return template.format(
        uid=urlsafe_base64_encode(force_bytes(user.pk)), token=tokens.make_token(user)
    )


def send(*, user: User, subject: str, body: str, email_id: str) -> None:
    EmailMessage(
        subject=subject, body=body, to=[user.email], headers={"Message-ID": email_id}
    ).send()
