from rest_framework import viewsets
from rest_framework.response import Response

from naive_shop.orders.models import OrderItem  # the catalogue now depends on orders
from naive_shop.products.models import Product


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.all()

    def destroy(self, request, *args, **kwargs):
        product = self.get_object()
        count = OrderItem.objects.filter(sku__product=product).count()
        if count:
            return Response({"detail": f"Referenced by {count} order items."}, status=409)
        product.delete()
        return Response(status=204)
