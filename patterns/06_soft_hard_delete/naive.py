"""The catalogue endpoint a capable engineer writes first: a stock ModelViewSet.

``DELETE`` is DRF's own ``destroy``: ``instance.delete()``. A product nobody
ordered is gone for good, with its SKUs, on a single click. A product somebody
did order is protected by ``on_delete=PROTECT`` on the order items, and the
ORM raises ``ProtectedError``, which DRF's default exception handler does not
know (encode/django-rest-framework#5958): a 500.
"""

from rest_framework import viewsets
from rest_framework.permissions import IsAdminUser
from rest_framework.views import exception_handler

from shop.products.models import Product
from shop.products.serializers import ProductSerializer


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.prefetch_related("skus")
    serializer_class = ProductSerializer
    permission_classes = [IsAdminUser]

    def get_exception_handler(self):
        # A stock DRF project: DRF's own handler, not the shop's (which maps these).
        return exception_handler
