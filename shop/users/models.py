import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from email_validator import EmailNotValidError, validate_email


def normalized_email(address: str) -> str:
    """The address as the shop stores it: the local part as typed, the domain in IDNA 2008 ASCII.

    python-email-validator applies UTS-46 first, so a fullwidth or compatibility spelling
    of a domain (fullwidth letters, the "ﬁ" ligature) is the plain one, and lowercased: one
    address, one account. Raises ``EmailNotValidError`` (a ``ValueError``) for an
    address that does not normalise; Django's EmailValidator lets some of those through.
    Local parts stay ASCII, as Django's validator wants them.
    """
    checked = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    return f"{checked.local_part}@{checked.ascii_domain}"


class UserQuerySet(models.QuerySet["User"]):
    def with_email(self, email: str) -> "UserQuerySet":
        """Accounts for ``email`` whatever its letter case (at most one: see ``User.Meta``).

        Stored addresses are normalised (``normalized_email``), so the lookup normalises
        too: any spelling of the domain finds the account. An address that does not
        normalise finds none.
        """
        try:
            return self.filter(email__iexact=normalized_email(email))
        except EmailNotValidError:
            return self.none()

    def awaiting_verification(self) -> "UserQuerySet":
        """Never verified nor activated, and still within their time to verify."""
        return self.unverified().filter(date_joined__gte=verification_cutoff())

    def unverified_expired(self) -> "UserQuerySet":
        """Never verified nor activated, and registered longer ago than a link lives.

        Such an account no longer holds its address: anyone may register it again,
        and ``manage.py purge_unverified`` deletes it. Resending a link does not
        extend it, so nobody can squat an address by resending forever.
        """
        return self.unverified().filter(date_joined__lt=verification_cutoff())

    def unverified(self) -> "UserQuerySet":
        return self.filter(is_active=False, email_verified_at__isnull=True)

    def reachable(self) -> "UserQuerySet":
        """Accounts a password-reset link may go to: verified and active, or never verified.

        Not one that staff deactivated after it was verified: a link would only set a
        password that cannot log in.
        """
        return self.filter(models.Q(is_active=True) | models.Q(email_verified_at__isnull=True))


def verification_cutoff():
    return timezone.now() - timedelta(seconds=settings.EMAIL_VERIFICATION_TIMEOUT)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """Django's hook, used by ``create_user``: the stored form (``normalized_email``).

        An address that does not normalise is kept as Django would keep it; the API
        never gets that far with one (its serializers refuse it with a 400).
        """
        try:
            return normalized_email(email or "")
        except EmailNotValidError:
            return super().normalize_email(email)

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        # No password means "log in some other way" (a social login, an invite):
        # an unusable password, never an empty one that some check might accept.
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.update(
            is_staff=True, is_superuser=True, is_active=True, email_verified_at=timezone.now()
        )
        return self.create_user(email, password, **extra_fields)

    def find_by_email(self, email: str) -> "User | None":
        """The account for ``email``: "Ann@Example.com" and "ann@example.com" are one person."""
        return self.with_email(email).first()

    def get_by_natural_key(self, username: str) -> "User":
        user = self.find_by_email(username)
        if user is None:
            raise self.model.DoesNotExist(f"No user with email {username!r}.")
        return user


class User(AbstractBaseUser, PermissionsMixin):
    # unique=True alone compares bytes: "Ann@x.io" and "ann@x.io" would both fit.
    # The constraint in Meta closes that; this one keeps Django's auth checks happy.
    email = models.EmailField(max_length=254, unique=True)
    # Inactive until the email address is verified.
    is_active = models.BooleanField(default=False)
    # When the address was verified. Verification tokens hash it, so a used link
    # stays used even if staff later deactivate the account (is_active goes back
    # to False, and a token hashing only is_active would come back to life).
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # When the last verification email went out: at most one per address per
    # EMAIL_VERIFICATION_RESEND_INTERVAL, however often someone asks.
    verification_sent_at = models.DateTimeField(null=True, blank=True)
    # The same for password-reset emails (PASSWORD_RESET_RESEND_INTERVAL), whether a
    # reset was asked for or someone tried to register the address again.
    password_reset_sent_at = models.DateTimeField(null=True, blank=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            # normalize_email only lowercases the domain: uniqueness must ignore case
            # in the local part too, and only the database can promise that.
            models.UniqueConstraint(
                Lower("email"),
                name="users_user_email_ci_unique",
                violation_error_message="A user with this email already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class LoginQuerySet(models.QuerySet["Login"]):
    def live(self) -> "LoginQuerySet":
        """Not revoked, and younger than REFRESH_TOKEN_SESSION_LIFETIME."""
        return self.filter(revoked_at__isnull=True, started_at__gt=session_cutoff())


def session_cutoff() -> datetime:
    return timezone.now() - settings.REFRESH_TOKEN_SESSION_LIFETIME


class Login(models.Model):
    """One login (``POST /api/auth/token/``) and every token rotated from it.

    Each refresh and access token carries the login's id (the ``sid`` claim) and
    its start (``auth_time``). A refresh token sent a second time revokes the
    login, so the thief's tokens and the owner's stop working together; and none
    outlives ``started_at + REFRESH_TOKEN_SESSION_LIFETIME``, however often it rotates.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="logins")
    started_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = LoginQuerySet.as_manager()

    def __str__(self) -> str:
        return f"login {self.id} of user {self.user_id}"

    @property
    def ends_at(self) -> datetime:
        return self.started_at + settings.REFRESH_TOKEN_SESSION_LIFETIME

    def is_live(self) -> bool:
        return self.revoked_at is None and self.ends_at > timezone.now()
