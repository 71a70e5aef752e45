"""Cart use cases. A cart belongs to one user; quantities stay within 1-1000."""

from django.db import transaction
from django.db.models import F

from shop.carts.models import MAX_QUANTITY, Cart, CartItem
from shop.core.errors import NotFound, QuantityTooLarge
from shop.products.selectors import sku_for_sale


def cart_create(*, user) -> Cart:
    return Cart.objects.create(user=user)


@transaction.atomic
def cart_add_item(*, cart: Cart, sku_id: int, quantity: int) -> CartItem:
    """Add ``quantity`` of a SKU on sale; a SKU already in the cart adds up."""
    sku = sku_for_sale(sku_id=sku_id)
    item, created = CartItem.objects.select_for_update().get_or_create(
        cart=cart, sku=sku, defaults={"quantity": quantity}
    )
    if not created:
        if item.quantity + quantity > MAX_QUANTITY:
            raise QuantityTooLarge(limit=MAX_QUANTITY, total=item.quantity + quantity)
        CartItem.objects.filter(pk=item.pk).update(quantity=F("quantity") + quantity)
        item.refresh_from_db(fields=["quantity"])
    return item


def cart_set_quantity(*, cart: Cart, item_id: int, quantity: int) -> CartItem:
    item = cart_item_of(cart=cart, item_id=item_id)
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    return item


def cart_remove_item(*, cart: Cart, item_id: int) -> None:
    cart_item_of(cart=cart, item_id=item_id).delete()


def cart_empty(*, cart: Cart) -> None:
    CartItem.objects.filter(cart=cart).delete()


def cart_item_of(*, cart: Cart, item_id: int) -> CartItem:
    item = CartItem.objects.select_related("sku").filter(cart=cart, pk=item_id).first()
    if item is None:
        raise NotFound("No such item in this cart.")
    return item
