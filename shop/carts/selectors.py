from shop.carts.models import Cart, CartItem
from shop.core.errors import NotFound


def cart_of(*, user, cart_id: int, with_items: bool = False) -> Cart:
    """The user's cart; someone else's cart is a 404, exactly like a missing one."""
    carts = Cart.objects.filter(pk=cart_id, user=user)
    cart = (carts.prefetch_related("items__sku") if with_items else carts).first()
    if cart is None:
        raise NotFound("No such cart.")
    return cart


def cart_locked(*, user, cart_id: int) -> Cart:
    """The user's cart row, locked until the transaction ends: one checkout at a time."""
    cart = Cart.objects.select_for_update().filter(pk=cart_id, user=user).first()
    if cart is None:
        raise NotFound("No such cart.")
    return cart


def cart_quantities(*, cart: Cart) -> dict[int, int]:
    """SKU id -> quantity for each line of the cart, in SKU id order."""
    lines = CartItem.objects.filter(cart=cart).order_by("sku_id")
    return dict(lines.values_list("sku_id", "quantity"))


def cart_item_of(*, cart: Cart, item_id: int) -> CartItem:
    item = CartItem.objects.select_related("sku").filter(cart=cart, pk=item_id).first()
    if item is None:
        raise NotFound("No such item in this cart.")
    return item
