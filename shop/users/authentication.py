"""Access tokens, checked against their login (settings.REST_FRAMEWORK's authentication)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from shop.users.models import Login, User
from shop.users.tokens import LOGIN_ID_CLAIM


class LoginJWTAuthentication(JWTAuthentication):
    """simplejwt's checks (the user exists, is active, has not changed password), plus one:
    the token's login is live. A reused refresh token revokes the login, and with it
    the access tokens already out, not only the refresh tokens.

    One query, as simplejwt's own: the login joined to its user.
    """

    def get_user(self, validated_token: Token) -> User:
        if not validated_token.get(LOGIN_ID_CLAIM):  # not made by a login of ours
            raise InvalidToken("Token belongs to no login.")
        login = (
            Login.objects.select_related("user")
            .filter(
                pk=validated_token[LOGIN_ID_CLAIM],
                user_id=validated_token.get(jwt_settings.USER_ID_CLAIM),
            )
            .first()
        )
        if login is None:  # the login goes with its user
            raise AuthenticationFailed("User not found", code="user_not_found")
        if not login.is_live():
            raise AuthenticationFailed("This login has ended: log in again.", code="login_ended")
        user = login.user
        if not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        if validated_token.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(
            user.password
        ):
            raise AuthenticationFailed(
                "The user's password has been changed.", code="password_changed"
            )
        return user


class LoginJWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: a bearer JWT, as drf-spectacular describes simplejwt's."""

    target_class = LoginJWTAuthentication
