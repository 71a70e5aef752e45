"""Login, refresh and email verification as a capable engineer first writes them.

The login view checks the password itself, because ``authenticate()`` returns
``None`` for inactive users and the team wanted to tell unverified people to
verify. Then it mints tokens with ``RefreshToken.for_user()``, which skips every
check simplejwt's own serializer would have made: unverified accounts get in.

Refresh is simplejwt's stock view: it does refuse deactivated users (since
5.4.0), but a deleted user makes it raise ``DoesNotExist``, a 500.

Verification links use Django's ``default_token_generator``: the password-reset
generator. Its hash ignores ``is_active``, so a link keeps working after it was
used, and it doubles as a password-reset token.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

User = get_user_model()


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        user = User.objects.filter(email__iexact=request.data.get("email", "")).first()
        if user is None or not user.check_password(request.data.get("password", "")):
            raise AuthenticationFailed("Invalid credentials.", "invalid_credentials")
        refresh = RefreshToken.for_user(user)
        refresh["email"] = user.email
        refresh["is_staff"] = user.is_staff
        return Response({"refresh": str(refresh), "access": str(refresh.access_token)})


RefreshView = TokenRefreshView

verification_tokens = default_token_generator
