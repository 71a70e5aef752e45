from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """One-shot email verification tokens.

    Django's ``default_token_generator`` is the password-reset generator: a
    verification token made with it would also reset the password, and since it
    does not hash ``is_active`` it would keep working after activation. Our own
    salt keeps the two apart; hashing ``is_active`` makes a token die once used.
    """

    key_salt = "shop.users.tokens.EmailVerificationTokenGenerator"

    def __init__(self) -> None:
        super().__init__()
        self.timeout = settings.EMAIL_VERIFICATION_TIMEOUT

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.is_active}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
