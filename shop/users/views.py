from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from shop.users import services
from shop.users.serializers import (
    ActiveUserTokenObtainPairSerializer,
    ActiveUserTokenRefreshSerializer,
    MeSerializer,
    RegisterSerializer,
    ResendVerificationSerializer,
    VerifyEmailSerializer,
)


class AnonymousAPIView(APIView):
    """For endpoints that anonymous clients call: a stale token must not block them."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class RegisterView(AnonymousAPIView):
    @extend_schema(request=RegisterSerializer, responses={201: RegisterSerializer})
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(RegisterSerializer(user).data, status=status.HTTP_201_CREATED)


class VerifyEmailView(AnonymousAPIView):
    @extend_schema(
        request=VerifyEmailSerializer,
        responses={200: OpenApiResponse(description="Email verified.")},
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
            202: OpenApiResponse(description="Sent if the address has an unverified account.")
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


class TokenObtainView(LoginThrottled, TokenObtainPairView):
    serializer_class = ActiveUserTokenObtainPairSerializer


class TokenRefreshView(TokenRefreshView):
    # Not the login scope: clients refresh every few minutes, and behind one NAT
    # they would spend everyone's login budget. Refresh gets the default throttles.
    serializer_class = ActiveUserTokenRefreshSerializer


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
