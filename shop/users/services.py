"""Identity use cases. Each runs in one transaction; emails are outbox messages, sent after it.

Nobody learns from these whether an address has an account: registering, resending a
link and asking for a reset do the same work and answer the same for every address.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from shop.outbox.services import outbox_put
from shop.users.emails import (
    PASSWORD_RESET_EMAIL,
    RESET_ASKED,
    RESET_ON_REGISTRATION,
    VERIFICATION_EMAIL,
)
from shop.users.errors import (
    EmailNotVerified,
    InvalidCredentials,
    InvalidPasswordResetToken,
    InvalidVerificationToken,
    LoginEnded,
    NoActiveAccount,
    PasswordChanged,
)
from shop.users.lockout import lockout_error
from shop.users.models import Login, User
from shop.users.tokens import (
    LOGIN_ID_CLAIM,
    LoginRefreshToken,
    email_verification_token,
    password_reset_token,
)

logger = logging.getLogger(__name__)

# --- Registration and verification -------------------------------------------------------


@transaction.atomic
def user_register(*, email: str, password: str) -> None:
    """Register an address, the same way whoever holds it; say nothing about which case it was.

    A new address gets an inactive account and a verification link. An address that
    has an account, verified or pending, keeps it as it is: its owner gets a link to
    set the password instead. So nobody can squat an address with a password of
    their own (pre-hijacking): the owner takes the account back with one click, and
    setting the password ends every login the squatter had.

    The password is hashed either way, so both cases cost the same; an unverified
    account whose time to verify has run out no longer holds the address.
    """
    password_validate(password=password, user=User(email=email), field="password")
    hashed = make_password(password)
    User.objects.with_email(email).unverified_expired().delete()
    holder = User.objects.with_email(email).first()
    if holder is None:
        user = User(
            email=User.objects.normalize_email(email),
            password=hashed,
            verification_sent_at=timezone.now(),
        )
        try:
            with transaction.atomic():  # a savepoint: a registration of the address at once may win
                user.save()
        except IntegrityError:
            holder = User.objects.with_email(email).first()
        else:
            outbox_put(topic=VERIFICATION_EMAIL, payload={"user_id": user.pk})
            return
    if holder is not None:
        password_reset_send(user=holder, reason=RESET_ON_REGISTRATION)


@transaction.atomic
def user_resend_verification(*, email: str) -> None:
    """Send a fresh link to an unverified account, at most one per interval; say nothing.

    The interval is claimed by one conditional UPDATE: of many requests at once,
    only the first changes the row, and only it sends.
    """
    user = User.objects.find_by_email(email)
    if user is None:
        return
    if email_interval_claimed(
        User.objects.awaiting_verification().filter(pk=user.pk),
        sent_at="verification_sent_at",
        interval=settings.EMAIL_VERIFICATION_RESEND_INTERVAL,
    ):
        outbox_put(topic=VERIFICATION_EMAIL, payload={"user_id": user.pk})


@transaction.atomic
def user_verify_email(*, uid: str, token: str) -> User:
    user = user_from_uid(uid)
    if user is None or not email_verification_token.check_token(user, token):
        raise InvalidVerificationToken()
    user.is_active = True
    user.email_verified_at = timezone.now()
    user.save(update_fields=["is_active", "email_verified_at"])
    return user


def user_from_uid(uid: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    # Row-lock so two clicks on one link cannot both succeed.
    return User.objects.select_for_update().filter(pk=pk).first()


# --- Passwords: reset and change ---------------------------------------------------------


@transaction.atomic
def user_password_reset_request(*, email: str) -> None:
    """Send a link to set the password to the account of ``email``, if it has one; say nothing."""
    user = User.objects.find_by_email(email)
    if user is not None:
        password_reset_send(user=user, reason=RESET_ASKED)


def password_reset_send(*, user: User, reason: str) -> None:
    """Queue a reset email to ``user``: at most one per address per interval, however asked.

    One conditional UPDATE claims the interval, as for verification emails. An account
    staff deactivated after it was verified gets none (``reachable``).
    """
    if email_interval_claimed(
        User.objects.reachable().filter(pk=user.pk),
        sent_at="password_reset_sent_at",
        interval=settings.PASSWORD_RESET_RESEND_INTERVAL,
    ):
        outbox_put(topic=PASSWORD_RESET_EMAIL, payload={"user_id": user.pk, "reason": reason})


def email_interval_claimed(rows, *, sent_at: str, interval: int) -> bool:
    """Claim the right to send: stamp ``sent_at`` on ``rows`` unless it is under ``interval``
    seconds old. One conditional UPDATE, so of many requests at once only one gets True."""
    now = timezone.now()
    quiet_since = now - timedelta(seconds=interval)
    due = Q(**{f"{sent_at}__isnull": True}) | Q(**{f"{sent_at}__lte": quiet_since})
    return bool(rows.filter(due).update(**{sent_at: now}))


@transaction.atomic
def user_password_reset_confirm(*, uid: str, token: str, password: str) -> User:
    """Set the password from a reset link; the address counts as verified from now on.

    The link works once and dies with any change of the password (the token hashes
    the password hash), after ``PASSWORD_RESET_TIMEOUT``. The new password hash
    revokes every token issued before it (their revoke claim no longer matches).
    A pending account becomes active: only its address's owner could click; one
    that staff deactivated stays so.
    """
    user = user_from_uid(uid)
    if user is None or not password_reset_token.check_token(user, token):
        raise InvalidPasswordResetToken()
    password_validate(password=password, user=user, field="password")
    user.set_password(password)
    fields = ["password"]
    if user.email_verified_at is None:
        user.is_active = True
        user.email_verified_at = timezone.now()
        fields += ["is_active", "email_verified_at"]
    user.save(update_fields=fields)
    return user


def user_password_change(
    *, request: HttpRequest, user: User, current_password: str, new_password: str
) -> None:
    """Change the password, knowing the current one; every token issued before stops working.

    The current password is checked through ``authenticate()``, so wrong guesses count
    towards the account's lockout as a login's do: a stolen access token is not a
    way to guess the password. Not in one transaction: a refusal must not roll back
    the failure that django-axes recorded.
    """
    checked = authenticate(
        request, email=user.email, password=current_password, caller_checks_is_active=True
    )
    if getattr(request, "axes_locked_out", False):
        raise lockout_error(request, {"email": user.email})
    if checked is None or checked.pk != user.pk:
        raise ValidationError({"current_password": ["This is not your current password."]})
    password_validate(password=new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])


def password_validate(*, password: str, user: User, field: str) -> None:
    """Django's password validators, their complaints under ``field`` (a 400)."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from exc


# --- Logging in ----------------------------------------------------------------------------


def user_authenticate(*, request: HttpRequest, email: str, password: str) -> User:
    """Check the password first, then ``is_active``; through ``authenticate()``, for the lockout.

    Only someone who knows the password learns that the account is unverified;
    everyone else gets the same "invalid credentials" answer (OWASP's generic
    message), whether or not the address exists. django-axes counts the failures
    per client address and per account, with the admin's: past the limit every
    attempt, the right password too, is a 429 until the cool-off ends.
    """
    user = authenticate(request, email=email, password=password, caller_checks_is_active=True)
    if getattr(request, "axes_locked_out", False):
        raise lockout_error(request, {"email": email})
    if user is None:
        raise InvalidCredentials()
    if not user.is_active:
        # A deactivated account learns nothing more than a wrong password would.
        raise EmailNotVerified() if user.email_verified_at is None else InvalidCredentials()
    return user


def user_purge_unverified() -> int:
    """Delete the accounts never verified within their link's lifetime; how many (daily)."""
    _, deleted = User.objects.unverified_expired().delete()
    return deleted.get(User._meta.label, 0)


def login_start(*, user: User) -> LoginRefreshToken:
    """A new login for ``user``, and its first refresh token."""
    login = Login.objects.create(user=user)
    return LoginRefreshToken.for_login(login)


def login_refresh(*, refresh: LoginRefreshToken) -> LoginRefreshToken:
    """Rotate a refresh token: the one sent stops working, the login's next one comes back.

    A token that was already rotated (or logged out) and comes back is a theft
    signal: the thief and the owner hold the same login, and nobody can tell which
    one sent it. The login is revoked, so every token of it stops working, the
    access tokens too; the owner logs in again, the thief cannot (RFC 9700, 4.14.2).
    The revocation commits, whatever the answer.
    """
    with transaction.atomic():
        # Two requests with one token must not both pass: hold its row, then look again,
        # in a new statement (one started before the other's commit would not see it).
        # A token we never recorded (issued elsewhere, or before revocation existed) is
        # not one of ours.
        outstanding = (
            OutstandingToken.objects.select_for_update()
            .filter(jti=refresh[jwt_settings.JTI_CLAIM])
            .first()
        )
        login = (
            Login.objects.select_related("user").filter(pk=refresh.get(LOGIN_ID_CLAIM)).first()
            if outstanding is not None and refresh.get(LOGIN_ID_CLAIM)
            else None
        )
        if login is None:
            # The login goes with its user; simplejwt keeps the token's row, without a user.
            gone = outstanding is not None and outstanding.user_id is None
            refusal = NoActiveAccount() if gone else LoginEnded()
        elif BlacklistedToken.objects.filter(token=outstanding).exists():
            login_revoke(login=login, why="a refresh token was sent again")
            refusal = LoginEnded()
        elif not login.is_live():
            refusal = LoginEnded()
        elif not login.user.is_active:
            refusal = NoActiveAccount()
        elif refresh.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(
            login.user.password
        ):
            refusal = PasswordChanged()
        else:
            BlacklistedToken.objects.create(token=outstanding)
            # A new token from the user as they are now: claims follow a change of is_staff.
            return LoginRefreshToken.for_login(login)
    raise refusal


def login_revoke(*, login: Login, why: str) -> None:
    if login.revoked_at is None:
        login.revoked_at = timezone.now()
        login.save(update_fields=["revoked_at"])
        logger.warning("Login %s of user %s revoked: %s.", login.pk, login.user_id, why)
