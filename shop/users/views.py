from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
)

from shop.core.serializers import error_responses
from shop.users import services
from shop.users.serializers import (
    ActiveUserTokenObtainPairSerializer,
    AddressSerializer,
    DetailSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    RegisterSerializer,
    RotatingTokenRefreshSerializer,
    TokenPairSerializer,
    VerifyEmailSerializer,
)


class AnonymousAPIView(APIView):
    """For endpoints that anonymous clients call: a stale token must not block them."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class SendsMailThrottled:
    """Each of these requests may send an email: a budget per client address for all of them.

    The ``register`` scope (``THROTTLE_RATE_REGISTER``) is one counter per client for
    registrations, resends and reset requests together; the per-address limit of one
    email of each kind per 5 minutes is the services' (api.md, Identity).
    """

    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "register"


class RegisterView(SendsMailThrottled, AnonymousAPIView):
    @extend_schema(
        request=RegisterSerializer,
        responses={
            202: OpenApiResponse(
                DetailSerializer,
                description="The same for every address: new, pending or verified.",
            ),
            **error_responses(400, 429),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_register(**serializer.validated_data)
        # The same answer whoever holds the address: nothing here tells who has an account.
        return Response(
            {"detail": "Check your inbox to finish registering."}, status=status.HTTP_202_ACCEPTED
        )


class VerifyEmailView(AnonymousAPIView):
    @extend_schema(
        request=VerifyEmailSerializer,
        responses={
            200: OpenApiResponse(description="Email verified."),
            **error_responses(
                429, described={400: "Invalid body, or an invalid, expired or used token."}
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = VerifyEmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_verify_email(**serializer.validated_data)
        return Response({"detail": "Email verified."})


class ResendVerificationView(SendsMailThrottled, AnonymousAPIView):
    @extend_schema(
        request=AddressSerializer,
        responses={
            202: OpenApiResponse(
                DetailSerializer, description="Sent if the address has an unverified account."
            ),
            **error_responses(400, 429),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = AddressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_resend_verification(**serializer.validated_data)
        # 202 whatever happened: the answer must not reveal who has an account.
        return Response(
            {"detail": "If that address has an unverified account, a new link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetView(SendsMailThrottled, AnonymousAPIView):
    @extend_schema(
        request=AddressSerializer,
        responses={
            202: OpenApiResponse(
                DetailSerializer,
                description="The same for every address; a link if it has an account.",
            ),
            **error_responses(400, 429),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = AddressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_reset_request(**serializer.validated_data)
        return Response(
            {"detail": "If that address has an account, a link to set its password is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(AnonymousAPIView):
    @extend_schema(
        request=PasswordResetConfirmSerializer,
        responses={
            200: DetailSerializer,
            **error_responses(
                429,
                described={
                    400: "A weak password, or an invalid, expired or used link "
                    "(`code: invalid_token`)."
                },
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_reset_confirm(**serializer.validated_data)
        return Response({"detail": "Your password is set: log in with it."})


class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PasswordChangeSerializer,
        responses={
            204: OpenApiResponse(description="Changed: every earlier token stops working."),
            **error_responses(
                401,
                described={
                    400: "A wrong current password, or a weak new one.",
                    429: "Too many wrong passwords for this account: `Retry-After` says "
                    "when to try again.",
                },
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_change(
            request=request, user=request.user, **serializer.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoginThrottled:
    # simplejwt's views set no throttle scope; guessing passwords gets its own budget.
    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "login"


@extend_schema_view(
    post=extend_schema(
        responses={
            200: TokenPairSerializer,
            **error_responses(
                400,
                described={
                    401: "Wrong email or password (`code: invalid_credentials`), or the "
                    "account is not verified yet (`code: email_not_verified`).",
                    429: "Past the `login` rate, or too many failures for the account "
                    "(`code: locked_out`): `Retry-After` says when to try again.",
                },
            ),
        }
    )
)
class TokenObtainView(LoginThrottled, TokenObtainPairView):
    serializer_class = ActiveUserTokenObtainPairSerializer


@extend_schema_view(
    post=extend_schema(
        responses={
            200: TokenPairSerializer,
            **error_responses(
                400,
                429,
                described={
                    401: "Invalid, expired, already used or revoked refresh token (one sent "
                    "again ends its whole login); its login is older than "
                    "`REFRESH_TOKEN_SESSION_LIFETIME`; or the user was deactivated, deleted, "
                    "or changed their password since."
                },
            ),
        }
    )
)
class RotatingTokenRefreshView(TokenRefreshView):
    # Not the login scope: clients refresh every few minutes, and behind one NAT
    # they would spend everyone's login budget. Refresh gets the default throttles.
    serializer_class = RotatingTokenRefreshSerializer


class LogoutView(TokenBlacklistView):
    """Revoke a refresh token. The access tokens made from it live out their 15 minutes."""

    @extend_schema(
        responses={
            205: OpenApiResponse(description="Logged out: the refresh token stops working."),
            **error_responses(
                400, 429, described={401: "Invalid, expired or already revoked refresh token."}
            ),
        }
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        super().post(request, *args, **kwargs)  # TokenError becomes a 401 there
        return Response(status=status.HTTP_205_RESET_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer, **error_responses(401, 429)})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
