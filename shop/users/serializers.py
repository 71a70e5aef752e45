from django.contrib.auth import password_validation
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

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
        if User.objects.find_by_email(email) is not None:
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
    """What ``POST /api/auth/token/`` answers; for the schema."""

    access = serializers.CharField()
    refresh = serializers.CharField()


class AccessTokenSerializer(serializers.Serializer):
    """What ``POST /api/auth/token/refresh/`` answers (no rotation: no new refresh token)."""

    access = serializers.CharField()


class ActiveUserTokenObtainPairSerializer(TokenObtainPairSerializer):
    """Tokens only for a verified account, with ``email`` and ``is_staff`` claims.

    The password is checked before ``is_active`` (see ``user_authenticate``), so
    an unverified account is told so, and only by someone who knows its password.
    """

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


class ActiveUserTokenRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, with a deleted user answered 401 rather than a 500.

    simplejwt 5.5.1 looks the user up with ``.get()`` and lets ``DoesNotExist``
    escape (jazzband/djangorestframework-simplejwt#860).
    """

    def validate(self, attrs: dict) -> dict:
        try:
            return super().validate(attrs)
        except ObjectDoesNotExist as exc:
            raise AuthenticationFailed(
                self.error_messages["no_active_account"], "no_active_account"
            ) from exc
