"""Checkout as the article's flow, written where it first lands: in the view.

It reads well and passes every single-user test: find the cart, replay an
earlier order for the same Idempotency-Key, check the stock, create the order
and its items, take the stock, empty the cart, email after commit. But every
check is a plain read under READ COMMITTED with no lock: ten buyers of the last
unit all see "1 in stock" and all get an order; twenty buyers of one unit each
all read 100 and all write 99; two requests with one key both miss the earlier
order and both insert one.
"""

from decimal import Decimal

from django.db import transaction
from django.shortcuts import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.carts.models import Cart
from shop.checkouts.errors import EmptyCart
from shop.orders.emails import send_order_confirmation
from shop.orders.models import Order, OrderItem
from shop.orders.serializers import OrderSerializer
from shop.products.errors import InsufficientStock


class CheckoutView(APIView):
    permission_classes = [IsAuthenticated]

    @transaction.atomic
    def post(self, request):
        cart = get_object_or_404(Cart, pk=request.data.get("cart_id"), user=request.user)
        key = request.headers.get("Idempotency-Key")
        if key:
            existing = Order.objects.filter(user=request.user, idempotency_key=key).first()
            if existing:
                return Response(OrderSerializer(existing).data, status=201)

        items = list(cart.items.select_related("sku__product"))
        if not items:
            raise EmptyCart()
        for item in items:
            if not item.sku.product.is_active or item.sku.stock < item.quantity:
                raise InsufficientStock(sku_code=item.sku.code)

        order = Order.objects.create(
            user=request.user,
            idempotency_key=key,
            total=sum((item.sku.price * item.quantity for item in items), Decimal("0.00")),
        )
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                sku=item.sku,
                product_name=item.sku.product.name,
                sku_code=item.sku.code,
                unit_price=item.sku.price,
                quantity=item.quantity,
                line_total=item.sku.price * item.quantity,
            )
            for item in items
        )
        for item in items:
            item.sku.stock -= item.quantity
            item.sku.save(update_fields=["stock"])
        cart.items.all().delete()

        transaction.on_commit(lambda: send_order_confirmation(order_id=order.pk))
        return Response(OrderSerializer(order).data, status=201)
