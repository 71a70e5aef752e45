"""Login, refresh and verification as the article's section 3 sets them up.

The serializer is the article's: ``authenticate()``, "Invalid credentials." when
it returns nobody, "Email not verified." when the user is inactive, then the
tokens with ``is_staff`` and ``email`` claims. Its login view has the scoped
throttle the article asks for ("login"). Refresh is simplejwt's own view: the
article says nothing about it.

Verification links: the article makes accounts inactive until their email is
verified and says nothing about how. Django ships one token generator, the
password-reset one, so that is what following the article gets you.

What runs differently from what it says: ``authenticate()`` goes through
Django's ``ModelBackend``, which returns ``None`` for an inactive user, so the
"Email not verified." branch never runs and an unverified user is told
"Invalid credentials.".
"""

from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView


class ActiveUserTokenObtainPairSerializer(TokenObtainPairSerializer):
    def validate(self, attrs):
        user = authenticate(
            request=self.context.get("request"),
            **{self.username_field: attrs[self.username_field], "password": attrs["password"]},
        )
        if user is None:
            raise AuthenticationFailed("Invalid credentials.")
        if not user.is_active:
            raise AuthenticationFailed("Email not verified.")

        refresh = self.get_token(user)
        refresh["is_staff"] = user.is_staff
        refresh["email"] = user.email
        return {
            "refresh": str(refresh),
            "access": str(refresh.access_token),
        }


class LoginView(TokenObtainPairView):
    serializer_class = ActiveUserTokenObtainPairSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"  # "login": "1000/day"


RefreshView = TokenRefreshView

verification_tokens = default_token_generator
