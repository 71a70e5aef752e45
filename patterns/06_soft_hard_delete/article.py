"""The catalogue endpoint with the article's ``destroy`` (its section 6), in a stock DRF project.

``DELETE`` archives; ``?hard=1|true|yes`` counts the order items first, answers
409 with the count, and otherwise deletes inside ``transaction.atomic()``. Errors
go through DRF's own exception handler: the article says nothing about mapping
``ProtectedError`` or ``IntegrityError``.

One change, so that the code can run at all: the article filters
``OrderItem.objects.filter(product=product)``, but its own order item (section 9,
and ours) has a ``sku`` foreign key and no ``product``; that lookup raises
``FieldError`` on every hard delete (pinned by
``test_the_articles_own_lookup_cannot_run_on_its_own_order_item``). Here it is
``sku__product=product``, what it must have meant.
"""

from django.db import transaction
from rest_framework import viewsets
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import exception_handler

from shop.orders.models import OrderItem
from shop.products.models import Product
from shop.products.serializers import ProductSerializer


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.prefetch_related("skus")
    serializer_class = ProductSerializer
    permission_classes = [IsAdminUser]

    def get_exception_handler(self):
        return exception_handler  # DRF's own: a stock project, as the article's is

    def destroy(self, request, *args, **kwargs):
        product = self.get_object()
        hard = str(request.query_params.get("hard", "")).lower() in ("1", "true", "yes")

        if not hard:
            product.is_active = False
            product.save(update_fields=["is_active"])
            return Response(status=204)

        if OrderItem.objects.filter(sku__product=product).exists():
            count = OrderItem.objects.filter(sku__product=product).count()
            return Response(
                {"detail": f"Cannot hard-delete: referenced by {count} order items."},
                status=409,
            )

        with transaction.atomic():
            product.delete()
        return Response(status=204)
