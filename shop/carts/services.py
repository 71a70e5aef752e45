"""Cart use cases. A cart belongs to one user; quantities stay within 1-1000.

Every write to a cart's lines holds the cart's row lock, as checkout does: a line
added, changed or removed mid-checkout waits for it, then sees what it left. Without
the lock, quantity added to a line after checkout read it was answered 201, then
deleted unordered by checkout's "empty the cart" (tests/security/test_write_races.py).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shop.carts.errors import CartLimitReached, QuantityTooLarge
from shop.carts.models import MAX_QUANTITY, Cart, CartItem
from shop.carts.selectors import cart_item_of, cart_locked
from shop.core.rows import update_or_not_found
from shop.products.selectors import sku_for_sale

MAX_CARTS = 20  # per customer (api.md): one client looping on POST made 200 in 1.4 s
EMPTY_CART_LIFETIME = timedelta(days=30)


@transaction.atomic
def cart_create(*, user) -> Cart:
    """A new empty cart, unless the customer has ``MAX_CARTS`` already.

    Counting, then inserting, lets two requests at once both count 19 and make 21: the
    owner's row is locked first, so a customer's cart creations take turns.
    """
    get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
    if Cart.objects.filter(user=user).count() >= MAX_CARTS:
        raise CartLimitReached(limit=MAX_CARTS)
    return Cart.objects.create(user=user)


def cart_remove_empty(*, idle_for: timedelta = EMPTY_CART_LIFETIME) -> int:
    """Delete the carts left empty for ``idle_for``; how many (daily, on the beat or cron).

    A cart keeps no time of its last change, so "left empty for ``idle_for``" is read
    as: no line now, created before the cutoff, and no order of its owner since it (a
    checkout empties its cart and leaves an order). A cart emptied line by line is not
    seen as recent: it may go sooner, with nothing in it.
    """
    cutoff = timezone.now() - idle_for
    carts = Cart.objects.filter(created_at__lt=cutoff, items__isnull=True).exclude(
        user__orders__created_at__gte=cutoff  # the orders app's Order.user, by its related name
    )
    _, deleted = Cart.objects.filter(pk__in=carts.values("pk")).delete()
    return deleted.get(Cart._meta.label, 0)


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
