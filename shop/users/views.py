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
    MeSerializer,
    RegisterSerializer,
    ResendVerificationSerializer,
    RotatingTokenRefreshSerializer,
    TokenPairSerializer,
    VerifyEmailSerializer,
)


class AnonymousAPIView(APIView):
    """For endpoints that anonymous clients call: a stale token must not block them."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class RegisterView(AnonymousAPIView):
    @extend_schema(
        request=RegisterSerializer,
        responses={201: RegisterSerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(RegisterSerializer(user).data, status=status.HTTP_201_CREATED)


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


class ResendVerificationView(AnonymousAPIView):
    @extend_schema(
        request=ResendVerificationSerializer,
        responses={
            202: OpenApiResponse(description="Sent if the address has an unverified account."),
            **error_responses(400, 429),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ResendVerificationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_resend_verification(**serializer.validated_data)
        # 202 whatever happened: the answer must not reveal who has an account.
        return Response(
            {"detail": "If that address has an unverified account, a new link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


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
                429,
                described={
                    401: "Wrong email or password (`code: invalid_credentials`), or the "
                    "account is not verified yet (`code: email_not_verified`)."
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
                    401: "Invalid, expired, already used or revoked refresh token; or the user "
                    "was deactivated, deleted, or changed their password since."
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
