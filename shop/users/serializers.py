from rest_framework import serializers
from rest_framework_simplejwt.serializers import PasswordField, TokenObtainPairSerializer

from shop.users import services
from shop.users.models import User, normalized_email
from shop.users.tokens import LoginRefreshToken


class AddressField(serializers.EmailField):
    """An email address, normalised as the shop stores it (``normalized_email``).

    Django's validator first (its messages, its limits), then python-email-validator:
    an address that does not normalise (a reserved domain, a stray soft hyphen) is a 400.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=254, **kwargs)

    def to_internal_value(self, data) -> str:
        address = super().to_internal_value(data)
        try:
            return normalized_email(address)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class RegisterSerializer(serializers.Serializer):
    email = AddressField()
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)


class VerifyEmailSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class AddressSerializer(serializers.Serializer):
    """``{email}``: resend-verification and password-reset."""

    email = AddressField()


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)


class DetailSerializer(serializers.Serializer):
    """``{"detail": ...}``: what the identity's 200s and 202s say; for the schema."""

    detail = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    is_staff = serializers.BooleanField()


class TokenPairSerializer(serializers.Serializer):
    """What ``POST /api/auth/token/`` and ``/token/refresh/`` answer; for the schema."""

    access = serializers.CharField()
    refresh = serializers.CharField()


class ActiveUserTokenObtainPairSerializer(TokenObtainPairSerializer):
    """Tokens only for a verified account, with ``email`` and ``is_staff`` claims.

    The password is checked before ``is_active`` (see ``user_authenticate``), so
    an unverified account is told so, and only by someone who knows its password.
    Each login starts a ``Login``: its tokens carry its id and start time.
    """

    token_class = LoginRefreshToken

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # simplejwt's password field trims spaces; registration keeps them, as Django's
        # own forms do: trimmed here, "  my passphrase  " could never log in.
        self.fields["password"] = PasswordField(trim_whitespace=False)

    def validate(self, attrs: dict) -> dict:
        user = services.user_authenticate(
            request=self.context["request"], email=attrs["email"], password=attrs["password"]
        )
        refresh = self.get_token(user)
        return {"refresh": str(refresh), "access": str(refresh.access_token)}

    @classmethod
    def get_token(cls, user: User) -> LoginRefreshToken:
        return services.login_start(user=user)


class RotatingTokenRefreshSerializer(serializers.Serializer):
    """Refresh, once per refresh token: the one sent is revoked, a new pair comes back.

    Besides what simplejwt checks (signature, expiry, type), a refresh token stops
    working when it was used already (and then its whole login does:
    ``services.login_refresh``), when its login ended, or when its user was
    deactivated or deleted (simplejwt 5.5.1 answers a deleted user with a 500:
    jazzband/djangorestframework-simplejwt#860) or changed their password.
    ``CHECK_REVOKE_TOKEN`` covers that last one for access tokens only; simplejwt's
    refresh never looks at the claim.
    """

    refresh = serializers.CharField()
    token_class = LoginRefreshToken

    def validate(self, attrs: dict) -> dict:
        refresh = self.token_class(attrs["refresh"])  # signature, expiry, type
        rotated = services.login_refresh(refresh=refresh)
        return {"access": str(rotated.access_token), "refresh": str(rotated)}
