from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response

from shop.core.flags import accepted_words, parse_flag
from shop.core.permissions import IsStaffOrReadOnly
from shop.core.serializers import error_responses
from shop.products import services
from shop.products.filters import ProductFilter
from shop.products.models import SKU
from shop.products.selectors import product_list
from shop.products.serializers import (
    ProductSerializer,
    ProductUpdateSerializer,
    SKUSerializer,
    SKUUpdateSerializer,
)

# Anyone reads the catalogue: a token is optional (IsStaffOrReadOnly, which the schema
# generator cannot see through, would otherwise document it as required).
TOKEN_OPTIONAL = [{"jwtAuth": []}, {}]


def flag(request: Request, name: str) -> bool:
    """A yes/no query parameter, no by default; anything unrecognised is a 400, not a silent no."""
    value = request.query_params.get(name, "")
    parsed = parse_flag(value) if value.strip() else False
    if parsed is None:
        raise ValidationError({name: [f"Use one of: {accepted_words()}."]})
    return parsed


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("include_inactive", OpenApiTypes.BOOL, description="Staff only.")
        ],
        auth=TOKEN_OPTIONAL,
        responses={
            200: ProductSerializer,
            **error_responses(400, 401, 429, described={404: "No such page."}),
        },
    ),
    retrieve=extend_schema(
        auth=TOKEN_OPTIONAL,
        responses={
            200: ProductSerializer,
            **error_responses(401, 429, described={404: "No such product, or archived."}),
        },
    ),
    create=extend_schema(
        responses={
            201: ProductSerializer,
            **error_responses(
                400, 401, 403, 429, described={409: "A SKU code was taken meanwhile."}
            ),
        }
    ),
    destroy=extend_schema(
        parameters=[
            OpenApiParameter(
                "hard", OpenApiTypes.BOOL, description="Purge for good instead of archiving."
            )
        ],
        responses={
            204: None,
            **error_responses(
                400, 401, 403, 404, 429, described={409: "Still referenced by order items."}
            ),
        },
    ),
    partial_update=extend_schema(
        request=ProductUpdateSerializer,
        responses={200: ProductSerializer, **error_responses(400, 401, 403, 404, 429)},
    ),
)
class ProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The catalogue: anyone reads active products; staff write, archive and purge."""

    serializer_class = ProductSerializer
    permission_classes = [IsStaffOrReadOnly]
    filterset_class = ProductFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @property
    def is_staff(self) -> bool:
        return bool(self.request.user and self.request.user.is_staff)

    def get_queryset(self):
        if self.action == "list":
            # Validate the flag for everyone; only staff get what it asks for.
            include_inactive = flag(self.request, "include_inactive") and self.is_staff
        else:
            include_inactive = self.is_staff  # staff see archived products, to restore them
        return product_list(include_inactive=include_inactive)

    def perform_create(self, serializer):
        serializer.instance = services.product_create(**serializer.validated_data)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        product = self.get_object()
        serializer = ProductUpdateSerializer(product, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.product_update(product=product, **serializer.validated_data)
        return Response(ProductSerializer(self.get_object()).data)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        product = self.get_object()
        if flag(request, "hard"):
            services.product_purge(product=product)
        else:
            services.product_archive(product=product)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    partial_update=extend_schema(
        request=SKUUpdateSerializer,
        responses={200: SKUSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
)
class SKUViewSet(mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Staff edit a SKU's price and stock."""

    queryset = SKU.objects.all()
    serializer_class = SKUSerializer
    permission_classes = [IsAdminUser]
    http_method_names = ["patch", "options"]

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        sku = self.get_object()
        serializer = SKUUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(
            SKUSerializer(services.sku_update(sku=sku, **serializer.validated_data)).data
        )
