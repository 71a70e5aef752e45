"""Two requests on the same rows at once: 200, 404 or 409, never a 500, nothing lost.

Each test pauses one request just before a write and runs the other in the
gap, until it finishes or waits on a lock the first one holds
(``testing.concurrency.run_meanwhile``). Before the fix, a cart line changed
while its cart checked out, or a product edited while it was purged, hit
``save(update_fields=…)`` on a deleted row: "did not affect any rows", a 500.
"""

import pytest
from rest_framework.test import APIClient

from shop.carts.models import CartItem
from shop.orders.models import OrderItem
from testing.concurrency import run_meanwhile
from testing.factories import CartFactory, CartItemFactory, SKUFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres(reason="row locks and READ COMMITTED races"),
]


def as_user(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def answered(result, *allowed: int) -> int:
    if isinstance(result, BaseException):
        pytest.fail(f"the request raised {result!r} instead of answering")
    assert result.status_code in allowed, (
        f"got {result.status_code} {result.content[:200]!r}, expected one of {allowed}"
    )
    return result.status_code


@pytest.fixture
def buyer_and_line():
    buyer = UserFactory()
    line = CartItemFactory(cart=CartFactory(user=buyer), quantity=1, sku=SKUFactory(stock=10))
    return buyer, line


def test_changing_a_line_while_its_cart_checks_out(buyer_and_line):
    buyer, line = buyer_and_line
    patch = lambda: as_user(buyer).patch(  # noqa: E731
        f"/api/carts/{line.cart_id}/items/{line.pk}/", {"quantity": 3}, format="json"
    )
    checkout = lambda: as_user(buyer).post(  # noqa: E731
        "/api/checkouts/", {"cart_id": line.cart_id}, format="json"
    )

    patched, checked_out = run_meanwhile(
        patch, before='UPDATE "carts_cartitem"', meanwhile=checkout
    )

    status = answered(patched, 200, 404)
    answered(checked_out, 201)
    ordered = OrderItem.objects.get().quantity
    # Either the change came first and was ordered, or the line was gone: never lost.
    assert (status, ordered) in {(200, 3), (404, 1)}, (
        f"the PATCH answered {status} and the order has quantity {ordered}"
    )


def test_adding_to_a_line_while_the_cart_checks_out(buyer_and_line):
    """Adding a SKU already in the cart UPDATEs its line, which no foreign key guards."""
    buyer, line = buyer_and_line
    checkout = lambda: as_user(buyer).post(  # noqa: E731
        "/api/checkouts/", {"cart_id": line.cart_id}, format="json"
    )
    add = lambda: as_user(buyer).post(  # noqa: E731
        f"/api/carts/{line.cart_id}/items/", {"sku_id": line.sku_id, "quantity": 2}, format="json"
    )

    checked_out, added = run_meanwhile(
        checkout, before='DELETE FROM "carts_cartitem"', meanwhile=add
    )

    answered(checked_out, 201)
    answered(added, 201)
    ordered = OrderItem.objects.get().quantity
    left_in_cart = CartItem.objects.filter(sku_id=line.sku_id).values_list("quantity", flat=True)
    # Either the 2 were added before checkout read the cart and were ordered, or after
    # it emptied the cart and wait there: never answered 201 and then deleted unordered.
    assert (ordered, list(left_in_cart)) in [(3, []), (1, [2])], (
        f"ordered {ordered}, left in the cart {list(left_in_cart)}: the 2 added mid-checkout "
        "were answered 201, then deleted by checkout's 'empty the cart'"
    )


@pytest.mark.parametrize(
    ("url", "body", "table"),
    [
        ("/api/products/{product}/", {"name": "Renamed"}, "products_product"),
        ("/api/skus/{sku}/", {"price": "3.00"}, "products_sku"),
    ],
    ids=["product", "sku"],
)
def test_editing_while_a_purge_deletes_it(url, body, table):
    staff = UserFactory(staff=True)
    sku = SKUFactory()
    path = url.format(product=sku.product_id, sku=sku.pk)
    edit = lambda: as_user(staff).patch(path, body, format="json")  # noqa: E731
    purge = lambda: as_user(staff).delete(f"/api/products/{sku.product_id}/?hard=true")  # noqa: E731

    edited, purged = run_meanwhile(edit, before=f'UPDATE "{table}"', meanwhile=purge)

    answered(purged, 204)
    answered(edited, 404)
