"""A counterexample for one rule only: lock the SKUs in one fixed order.

This checkout is right in every other way the tests check (it locks before it
reads the stock, takes the stock with ``F()``, empties the cart), but it locks
the way a loop invites: each SKU as its cart line comes up, in the order the
lines were added. Two carts holding A,B and B,A then each lock their first SKU
and wait for the other's: a deadlock, which PostgreSQL breaks by aborting one
of them (SQLSTATE 40P01). The shop locks all of a cart's SKUs in one statement,
``ORDER BY id``.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.carts.models import Cart
from shop.checkouts.errors import EmptyCart
from shop.orders.models import Order, OrderItem
from shop.orders.serializers import OrderSerializer
from shop.products.errors import InsufficientStock
from shop.products.models import SKU


class CheckoutView(APIView):
    permission_classes = [IsAuthenticated]

    @transaction.atomic
    def post(self, request):
        cart = get_object_or_404(
            Cart.objects.select_for_update(), pk=request.data.get("cart_id"), user=request.user
        )
        lines = []
        for item in cart.items.order_by("id"):  # the order the customer added them
            sku = (
                SKU.objects.select_for_update(of=("self",))
                .select_related("product")
                .get(pk=item.sku_id)
            )
            if not sku.product.is_active or sku.stock < item.quantity:
                raise InsufficientStock(sku_code=sku.code)
            lines.append((sku, item.quantity))
        if not lines:
            raise EmptyCart()

        order = Order.objects.create(
            user=request.user,
            total=sum((sku.price * quantity for sku, quantity in lines), Decimal("0.00")),
        )
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                sku=sku,
                product_name=sku.product.name,
                sku_code=sku.code,
                unit_price=sku.price,
                quantity=quantity,
                line_total=sku.price * quantity,
            )
            for sku, quantity in lines
        )
        for sku, quantity in lines:
            SKU.objects.filter(pk=sku.pk).update(stock=F("stock") - quantity)
        cart.items.all().delete()
        return Response(OrderSerializer(order).data, status=201)
