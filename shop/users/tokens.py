import json

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """One-shot email verification tokens.

    Django's ``default_token_generator`` is the password-reset generator: a
    verification token made with it would also reset the password, and since
    its hash ignores verification, it would keep working after use. Our own
    salt keeps the two apart.
    """

    key_salt = "shop.users.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        # A JSON list keeps the fields apart: run together, user 1 with "2v@x.io" and
        # user 12 with "v@x.io" hash the same "12v@x.io…", and one link verifies both.
        # The rest is what changes when the account does, so the token dies then:
        # verification (once used, stays used even if staff deactivate the account),
        # activation, and the password hash (a secret salt per user, too).
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
        # Django's check_token measures age against PASSWORD_RESET_TIMEOUT; these
        # links have their own lifetime, EMAIL_VERIFICATION_TIMEOUT.
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > settings.EMAIL_VERIFICATION_TIMEOUT:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


email_verification_token = EmailVerificationTokenGenerator()
