"""Cart use cases. A cart belongs to one user; quantities stay within 1-1000.

Every write to a cart's lines holds the cart's row lock, as checkout does: a line
added, changed or removed mid-checkout waits for it, then sees what it left. Without
the lock, quantity added to a line after checkout read it was answered 201, then
deleted unordered by checkout's "empty the cart" (tests/security/test_write_races.py).
"""

from django.db import transaction
from django.db.models import F

from shop.carts.errors import QuantityTooLarge
from shop.carts.models import MAX_QUANTITY, Cart, CartItem
from shop.carts.selectors import cart_item_of, cart_locked
from shop.core.rows import update_or_not_found
from shop.products.selectors import sku_for_sale


def cart_create(*, user) -> Cart:
    return Cart.objects.create(user=user)


@transaction.atomic
def cart_item_add(*, user, cart_id: int, sku_id: int, quantity: int) -> CartItem:
    """Add ``quantity`` of a SKU on sale; a SKU already in the cart adds up."""
    cart = cart_locked(user=user, cart_id=cart_id)
    sku = sku_for_sale(sku_id=sku_id)
    item, created = CartItem.objects.get_or_create(
        cart=cart, sku=sku, defaults={"quantity": quantity}
    )
    if not created:
        if item.quantity + quantity > MAX_QUANTITY:
            raise QuantityTooLarge(limit=MAX_QUANTITY, total=item.quantity + quantity)
        CartItem.objects.filter(pk=item.pk).update(quantity=F("quantity") + quantity)
        item.refresh_from_db(fields=["quantity"])
    return item


@transaction.atomic
def cart_item_set_quantity(*, user, cart_id: int, item_id: int, quantity: int) -> CartItem:
    item = cart_item_of(cart=cart_locked(user=user, cart_id=cart_id), item_id=item_id)
    # The cart lock keeps checkout out; purging the SKU's product still deletes lines.
    update_or_not_found(item, quantity=quantity)
    return item


@transaction.atomic
def cart_item_remove(*, user, cart_id: int, item_id: int) -> None:
    cart_item_of(cart=cart_locked(user=user, cart_id=cart_id), item_id=item_id).delete()


def cart_empty(*, cart: Cart) -> None:
    CartItem.objects.filter(cart=cart).delete()
