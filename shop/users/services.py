"""Identity use cases. Each runs in one transaction; emails go out after commit."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from shop.core.side_effects import after_commit
from shop.users.emails import send_verification_email
from shop.users.errors import EmailNotVerified, InvalidCredentials, InvalidVerificationToken
from shop.users.models import User
from shop.users.tokens import email_verification_token


@transaction.atomic
def user_register(*, email: str, password: str) -> User:
    """Create an inactive account and send its verification email once committed.

    An unverified account whose time to verify has run out no longer holds the
    address: it is replaced, so nobody can squat an address they cannot read.
    """
    User.objects.with_email(email).unverified_expired().delete()
    user = User.objects.create_user(
        email=email, password=password, verification_sent_at=timezone.now()
    )
    after_commit(send_verification_email, user_id=user.pk)
    return user


@transaction.atomic
def user_resend_verification(*, email: str) -> None:
    """Send a fresh link to an unverified account, at most one per interval; say nothing.

    The interval is claimed by one conditional UPDATE: of many requests at once,
    only the first changes the row, and only it sends.
    """
    user = User.objects.find_by_email(email)
    if user is None:
        return
    now = timezone.now()
    quiet_since = now - timedelta(seconds=settings.EMAIL_VERIFICATION_RESEND_INTERVAL)
    claimed = (
        User.objects.awaiting_verification()
        .filter(pk=user.pk)
        .filter(Q(verification_sent_at__isnull=True) | Q(verification_sent_at__lte=quiet_since))
        .update(verification_sent_at=now)
    )
    if claimed:
        after_commit(send_verification_email, user_id=user.pk)


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
    # Row-lock so two clicks on one link cannot both activate and both succeed.
    return User.objects.select_for_update().filter(pk=pk).first()


def user_authenticate(*, email: str, password: str) -> User:
    """Check the password first, then ``is_active``.

    Only someone who knows the password learns that the account is unverified;
    everyone else gets the same "invalid credentials" answer (OWASP's generic
    message), whether or not the address exists.
    """
    user = User.objects.find_by_email(email)
    if user is None:
        make_password(password)  # same cost as a real check: no timing oracle
        raise InvalidCredentials()
    if not user.check_password(password):
        raise InvalidCredentials()
    if not user.is_active:
        # A deactivated account learns nothing more than a wrong password would.
        raise EmailNotVerified() if user.email_verified_at is None else InvalidCredentials()
    return user


def user_purge_unverified() -> int:
    """Delete the accounts never verified within their link's lifetime; how many (daily)."""
    _, deleted = User.objects.unverified_expired().delete()
    return deleted.get(User._meta.label, 0)
