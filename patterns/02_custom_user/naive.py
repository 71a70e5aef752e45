"""The user model from the article, as a capable engineer types it in.

Email as the username, inactive until verified, no password means an unusable
one. All good. But ``unique=True`` compares bytes, and ``normalize_email`` only
lowercases the domain, so "Ann@Example.com" and "ann@example.com" become two
accounts, and logging in with the "wrong" case finds nobody.

(``PermissionsMixin`` is left out only because this sample shares a process
with the shop's real user model and its reverse accessors would clash; it plays
no part in the failure.)
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models


class NaiveUserManager(BaseUserManager):
    def create_user(self, email, password=None, **extra_fields):
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)  # None: set_unusable_password()
        user.save(using=self._db)
        return user


class NaiveUser(AbstractBaseUser):
    email = models.EmailField(unique=True, db_index=True)
    is_active = models.BooleanField(default=False)  # email verification gate

    objects = NaiveUserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        app_label = "kata_naive"
        db_table = "kata_naive_user"
