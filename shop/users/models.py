from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        # No password means "log in some other way" (a social login, an invite):
        # an unusable password, never an empty one that some check might accept.
        user.set_password(password)  # None sets an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.update(is_staff=True, is_superuser=True, is_active=True)
        return self.create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str) -> "User":
        # Log in whatever the letter case: "Ann@Example.com" and "ann@example.com"
        # are one person, and the database allows only one of them (see Meta).
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    # unique=True alone compares bytes: "Ann@x.io" and "ann@x.io" would both fit.
    # The constraint in Meta closes that; this one keeps Django's auth checks happy.
    email = models.EmailField(max_length=254, unique=True)
    # Inactive until the email address is verified (pattern 02/03).
    is_active = models.BooleanField(default=False)
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
