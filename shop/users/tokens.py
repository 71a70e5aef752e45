"""The identity's tokens: one-shot email links, and the JWTs of a login."""

import json
from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token
from rest_framework_simplejwt.utils import (
    datetime_from_epoch,
    datetime_to_epoch,
    get_md5_hash_password,
)

from shop.users.models import Login

# --- Email links: one generator, one salt, one lifetime per purpose ---------------------


class AccountLinkTokenGenerator(PasswordResetTokenGenerator):
    """One-shot tokens for email links, dead as soon as the account changes.

    Each purpose is a subclass with its own ``key_salt``: Django's
    ``default_token_generator`` serves password resets, and a token shared between
    two purposes opens both doors. ``timeout_setting`` names its lifetime.
    """

    key_salt: str
    timeout_setting: str

    def _now(self) -> datetime:
        # Django's generator reads the system's local time; the shop's clock is
        # Django's timezone.now(), as naive UTC (the generator counts naive seconds).
        return timezone.now().replace(tzinfo=None)

    def _make_hash_value(self, user, timestamp: int) -> str:
        # A JSON list keeps the fields apart: run together, user 1 with "2v@x.io" and
        # user 12 with "v@x.io" hash the same "12v@x.io…", and one link verifies both.
        # The rest is what changes when the account does, so the token dies then:
        # verification (once used, stays used even if staff deactivate the account),
        # activation, and the password hash (a secret salt per user, new on every
        # password set: a reset link dies once used, or when the password changes).
        return json.dumps(
            [
                user.pk,
                user.email,
                user.password,
                user.is_active,
                user.email_verified_at.isoformat() if user.email_verified_at else None,
                timestamp,
            ]
        )

    def check_token(self, user, token: str | None) -> bool:
        # Django's check_token measures age against PASSWORD_RESET_TIMEOUT; each
        # purpose reads its own lifetime.
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > getattr(settings, self.timeout_setting):
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


class EmailVerificationTokenGenerator(AccountLinkTokenGenerator):
    """Email verification links: they activate an account, and reset nothing."""

    key_salt = "shop.users.tokens.EmailVerificationTokenGenerator"
    timeout_setting = "EMAIL_VERIFICATION_TIMEOUT"


class PasswordSetTokenGenerator(AccountLinkTokenGenerator):
    """Password-reset links: they set a password, and verify nothing else's purpose."""

    key_salt = "shop.users.tokens.PasswordSetTokenGenerator"
    timeout_setting = "PASSWORD_RESET_TIMEOUT"


email_verification_token = EmailVerificationTokenGenerator()
password_reset_token = PasswordSetTokenGenerator()


# --- JWTs: every token of a login carries the login -------------------------------------

LOGIN_ID_CLAIM = "sid"  # OpenID Connect's names: the session's id and when it was authenticated
LOGIN_TIME_CLAIM = "auth_time"


class LoginRefreshToken(RefreshToken):
    """A refresh token of one login, ending when the login does at the latest.

    ``verify`` skips simplejwt's blacklist check: the refresh reads the blacklist
    itself, under a lock, and a blacklisted token sent again is not only refused
    but revokes its login (``services.login_refresh``).
    """

    def verify(self, *args, **kwargs) -> None:
        Token.verify(self, *args, **kwargs)  # signature and type; not BlacklistMixin's check

    @classmethod
    def for_login(cls, login: Login) -> "LoginRefreshToken":
        """A new refresh token of ``login``, recorded so that it can be revoked.

        simplejwt's ``for_user`` records the token before any claim is added; here the
        record holds the token as issued, with its expiry capped at the login's end.
        """
        user = login.user
        token = cls()
        token["exp"] = min(token["exp"], datetime_to_epoch(login.ends_at))
        token[jwt_settings.USER_ID_CLAIM] = str(user.pk)
        # A hash of the password hash: a password change or reset revokes every token.
        token[jwt_settings.REVOKE_TOKEN_CLAIM] = get_md5_hash_password(user.password)
        # Claims on the refresh token are copied into every access token made from it.
        token["email"] = user.email
        token["is_staff"] = user.is_staff
        token[LOGIN_ID_CLAIM] = str(login.pk)
        token[LOGIN_TIME_CLAIM] = datetime_to_epoch(login.started_at)
        OutstandingToken.objects.create(
            user=user,
            jti=token[jwt_settings.JTI_CLAIM],
            token=str(token),
            created_at=token.current_time,
            expires_at=datetime_from_epoch(token["exp"]),
        )
        return token

    @property
    def access_token(self) -> AccessToken:
        access = super().access_token  # copies every claim but exp, jti, iat, token_type
        login_ends = self[LOGIN_TIME_CLAIM] + int(
            settings.REFRESH_TOKEN_SESSION_LIFETIME.total_seconds()
        )
        access["exp"] = min(access["exp"], login_ends)
        return access
