"""The API login's authentication backend (settings.AUTHENTICATION_BACKENDS)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied

from shop.users.models import User


class PasswordFirstBackend(ModelBackend):
    """The account for an email and password, whether or not it is active: one password check.

    Django's ModelBackend returns nobody for an inactive account even with the right
    password, so the API could not tell an unverified owner to verify without checking
    the password a second time, which would also time differently. This backend answers
    only callers that say they check ``is_active`` themselves
    (``authenticate(..., caller_checks_is_active=True)``: the API's login, and the
    password change); the admin and everyone else get ModelBackend's refusal.

    A wrong password raises ``PermissionDenied``, which ends ``authenticate()`` at once
    (and counts as a failure for django-axes): ModelBackend would check it again.
    The rest (sessions' ``get_user``, permissions) is ModelBackend's.
    """

    def authenticate(
        self, request, email=None, password=None, caller_checks_is_active=False, **kwargs
    ):
        if not caller_checks_is_active or email is None or password is None:  # not the API's
            return None
        user = User.objects.find_by_email(email)
        if user is None:
            make_password(password)  # the same cost as a real check: no timing oracle
            raise PermissionDenied
        if not user.check_password(password):
            raise PermissionDenied
        return user
