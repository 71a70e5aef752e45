from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import PasswordField, TokenObtainPairSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from shop.users.models import User
from shop.users.services import user_authenticate


class RegisterSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)

    def validate_email(self, email: str) -> str:
        # ModelSerializer cannot derive a validator from the Lower("email") constraint:
        # without this check a different-case duplicate reaches the database as an
        # IntegrityError instead of a 400.
        # An unverified account past its time to verify no longer holds the address.
        holders = User.objects.with_email(email).exclude(
            pk__in=User.objects.unverified_expired().values("pk")
        )
        if holders.exists():
            raise serializers.ValidationError("A user with this email already exists.")
        return email

    def validate(self, attrs: dict) -> dict:
        try:
            password_validation.validate_password(
                attrs["password"], user=User(email=attrs["email"])
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class VerifyEmailSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class ResendVerificationSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


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
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # simplejwt's password field trims spaces; registration keeps them, as Django's
        # own forms do: trimmed here, "  my passphrase  " could never log in.
        self.fields["password"] = PasswordField(trim_whitespace=False)

    def validate(self, attrs: dict) -> dict:
        user = user_authenticate(email=attrs["email"], password=attrs["password"])
        refresh = self.get_token(user)
        return {"refresh": str(refresh), "access": str(refresh.access_token)}

    @classmethod
    def get_token(cls, user: User) -> RefreshToken:
        token = super().get_token(user)
        # Claims on the refresh token are copied into every access token made from it.
        token["email"] = user.email
        token["is_staff"] = user.is_staff
        return token


class RotatingTokenRefreshSerializer(serializers.Serializer):
    """Refresh, once per refresh token: the one sent is revoked, a new pair comes back.

    Besides what simplejwt checks (signature, expiry, type, blacklist), a refresh
    token stops working when its user was deactivated or deleted (simplejwt 5.5.1
    answers a deleted user with a 500: jazzband/djangorestframework-simplejwt#860)
    or changed their password. ``CHECK_REVOKE_TOKEN`` covers that last one for
    access tokens only; simplejwt's refresh never looks at the claim.
    """

    refresh = serializers.CharField()
    token_class = RefreshToken

    default_error_messages = {
        "no_active_account": "No active account found for the given token.",
        "password_changed": "The user's password has been changed.",
    }

    @transaction.atomic
    def validate(self, attrs: dict) -> dict:
        refresh = self.token_class(attrs["refresh"])  # signature, expiry, type, blacklist
        # Two requests with one token must not both pass: hold its row, then look again,
        # in a new statement (one started before the other's commit would not see it).
        # A token we never recorded (issued elsewhere, or before revocation existed) is
        # not one of ours.
        outstanding = (
            OutstandingToken.objects.select_for_update()
            .filter(jti=refresh[jwt_settings.JTI_CLAIM])
            .first()
        )
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            raise TokenError("Token is blacklisted")
        user = User.objects.filter(pk=refresh.get(jwt_settings.USER_ID_CLAIM)).first()
        if user is None or not user.is_active:
            self.fail_401("no_active_account")
        if refresh.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
            self.fail_401("password_changed")
        BlacklistedToken.objects.create(token=outstanding)
        # A new pair from the user as they are now: claims follow a change of is_staff.
        rotated = ActiveUserTokenObtainPairSerializer.get_token(user)
        return {"access": str(rotated.access_token), "refresh": str(rotated)}

    def fail_401(self, code: str) -> None:
        raise AuthenticationFailed(self.error_messages[code], code)
