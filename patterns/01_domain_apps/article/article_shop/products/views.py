from django.db import transaction
from rest_framework import viewsets
from rest_framework.response import Response

from article_shop.orders.models import OrderItem  # section 6: the catalogue counts order items
from article_shop.products.models import Product


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.all()

    def destroy(self, request, *args, **kwargs):
        product = self.get_object()
        hard = str(request.query_params.get("hard", "")).lower() in ("1", "true", "yes")

        if not hard:
            product.is_active = False
            product.save(update_fields=["is_active"])
            return Response(status=204)

        if OrderItem.objects.filter(product=product).exists():
            count = OrderItem.objects.filter(product=product).count()
            return Response(
                {"detail": f"Cannot hard-delete: referenced by {count} order items."},
                status=409,
            )

        with transaction.atomic():
            product.delete()
        return Response(status=204)
