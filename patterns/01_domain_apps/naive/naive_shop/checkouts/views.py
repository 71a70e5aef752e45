from django.db import transaction
from rest_framework.response import Response
from rest_framework.views import APIView

from naive_shop.carts.models import Cart
from naive_shop.orders.models import Order, OrderItem
from naive_shop.products.models import SKU


class CheckoutView(APIView):
    @transaction.atomic
    def post(self, request):
        cart = Cart.objects.get(pk=request.data["cart_id"], user=request.user)
        order = Order.objects.create(user=request.user)
        for item in cart.items.all():
            sku = SKU.objects.get(pk=item.sku_id)
            OrderItem.objects.create(order=order, sku=sku, quantity=item.quantity)
        return Response({"id": order.pk}, status=201)
