"""Order items are snapshots (api.md, Orders; pattern 09, the shop's side).

What the customer bought stays as it was at checkout, whatever happens to the
catalogue later: ``save()`` refuses to change it, and on PostgreSQL a trigger
refuses an UPDATE of it from any writer, a queryset ``.update()`` included.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from shop.orders.models import Order, OrderItem, SnapshotIsImmutable
from shop.products.models import SKU
from testing.factories import (
    CartFactory,
    CartItemFactory,
    OrderItemFactory,
    SKUFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sku(db):
    return SKUFactory(code="TEAPOT", price=Decimal("12.50"), stock=5, product__name="Teapot")


@pytest.fixture
def placed(customer_client, user, sku) -> dict:
    """The body of a checkout of two teapots, through the API."""
    cart = CartFactory(user=user)
    CartItemFactory(cart=cart, sku=sku, quantity=2)
    response = customer_client.post("/api/checkouts/", {"cart_id": cart.pk})
    assert response.status_code == 201, response.content
    return response.json()


def order_now(client, placed) -> dict:
    return client.get(f"/api/orders/{placed['id']}/").json()


# --- The catalogue moves on, the order does not ------------------------------------------------


def test_the_order_keeps_the_product_name_after_a_rename(
    customer_client, staff_client, placed, sku
):
    staff_client.patch(f"/api/products/{sku.product_id}/", {"name": "Tea kettle"})

    assert order_now(customer_client, placed)["items"][0]["product_name"] == "Teapot"


def test_the_order_keeps_its_prices_and_total_after_a_reprice(
    customer_client, staff_client, placed, sku
):
    assert staff_client.patch(f"/api/skus/{sku.pk}/", {"price": "99.00"}).status_code == 200

    order = order_now(customer_client, placed)

    assert (order["items"][0]["unit_price"], order["items"][0]["line_total"], order["total"]) == (
        "12.50",
        "25.00",
        "25.00",
    )


def test_the_order_keeps_the_sku_code_after_a_recode(customer_client, placed, sku):
    SKU.objects.filter(pk=sku.pk).update(code="TEAPOT-2")

    assert order_now(customer_client, placed)["items"][0]["sku_code"] == "TEAPOT"


def test_the_order_stays_whole_after_its_product_is_archived(
    customer_client, staff_client, placed, sku
):
    assert staff_client.delete(f"/api/products/{sku.product_id}/").status_code == 204

    assert order_now(customer_client, placed) == placed


def test_the_order_is_unchanged_after_every_edit_at_once(
    customer_client, staff_client, placed, sku
):
    staff_client.patch(f"/api/products/{sku.product_id}/", {"name": "Tea kettle"})
    staff_client.patch(f"/api/skus/{sku.pk}/", {"price": "0.01", "stock": 0})
    SKU.objects.filter(pk=sku.pk).update(code="TEAPOT-2")
    staff_client.delete(f"/api/products/{sku.product_id}/")

    assert order_now(customer_client, placed) == placed


def test_an_ordered_product_cannot_be_hard_deleted(customer_client, staff_client, placed, sku):
    response = staff_client.delete(f"/api/products/{sku.product_id}/?hard=true")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cannot hard-delete: referenced by 1 order items.",
        "code": "still_referenced",
    }
    assert order_now(customer_client, placed) == placed


# --- save() refuses ------------------------------------------------------------------------------


def test_saving_an_existing_order_item_raises(placed):
    item = OrderItem.objects.get()
    item.unit_price = Decimal("0.01")

    with pytest.raises(SnapshotIsImmutable):
        item.save()

    assert OrderItem.objects.get().unit_price == Decimal("12.50")


def test_saving_an_existing_order_item_raises_even_when_nothing_changed(placed):
    with pytest.raises(SnapshotIsImmutable):
        OrderItem.objects.get().save(update_fields=["quantity"])


def test_saving_an_order_with_a_changed_total_raises(placed):
    order = Order.objects.get()
    order.total = Decimal("0.00")

    with pytest.raises(SnapshotIsImmutable):
        order.save()

    assert Order.objects.get().total == Decimal("25.00")


def test_saving_the_status_with_another_field_raises(placed):
    order = Order.objects.get()

    with pytest.raises(SnapshotIsImmutable):
        order.save(update_fields=["status", "total"])


def test_saving_only_the_status_is_allowed_and_writes_nothing_else(placed):
    order = Order.objects.get()
    order.status = "shipped"  # a status the future may add
    order.total = Decimal("0.00")  # not in update_fields: not written

    order.save(update_fields=["status"])

    assert Order.objects.values_list("status", "total").get() == ("shipped", Decimal("25.00"))


def test_a_new_order_item_can_still_be_written(placed):
    item = OrderItemFactory(order=Order.objects.get(), quantity=1)

    assert OrderItem.objects.filter(pk=item.pk).exists()


# --- The database refuses too (PostgreSQL trigger) -------------------------------------------------

ITEM_CHANGES = {
    "product_name": "Tea kettle",
    "sku_code": "TEAPOT-2",
    "unit_price": Decimal("0.01"),
    "quantity": 1,
    "line_total": Decimal("0.01"),
}


@pytest.mark.postgres(reason="the snapshot trigger exists on PostgreSQL only")
@pytest.mark.parametrize("column", [*ITEM_CHANGES, "sku", "order"])
def test_a_queryset_update_of_an_order_item_is_refused_by_the_database(placed, column):
    other_order = OrderItemFactory().order
    value = {"sku": SKUFactory(), "order": other_order}.get(column, ITEM_CHANGES.get(column))
    before = list(OrderItem.objects.filter(order_id=placed["id"]).values())

    with pytest.raises(IntegrityError, match="snapshot cannot change"), transaction.atomic():
        OrderItem.objects.filter(order_id=placed["id"]).update(**{column: value})

    assert list(OrderItem.objects.filter(order_id=placed["id"]).values()) == before


@pytest.mark.postgres(reason="the snapshot trigger exists on PostgreSQL only")
def test_a_bulk_update_of_an_order_item_is_refused_by_the_database(placed):
    """``bulk_update()`` writes one ``UPDATE ... CASE WHEN`` for its rows and calls no ``save()``."""
    item = OrderItem.objects.get()
    item.quantity = 9

    with pytest.raises(IntegrityError, match="snapshot cannot change"), transaction.atomic():
        OrderItem.objects.bulk_update([item], ["quantity"])

    assert OrderItem.objects.get().quantity == 2


@pytest.mark.postgres(reason="the snapshot trigger exists on PostgreSQL only")
@pytest.mark.parametrize("column", ["total", "user", "created_at"])
def test_a_queryset_update_of_an_orders_record_is_refused_by_the_database(placed, column):
    value = {
        "total": Decimal("0.00"),
        "user": UserFactory(),
        "created_at": F("created_at") - timedelta(days=1),
    }[column]

    with pytest.raises(IntegrityError, match="snapshot cannot change"), transaction.atomic():
        Order.objects.filter(pk=placed["id"]).update(**{column: value})

    assert Order.objects.get().total == Decimal("25.00")


@pytest.mark.postgres(reason="the snapshot trigger exists on PostgreSQL only")
def test_a_queryset_update_of_the_status_passes(placed):
    updated = Order.objects.filter(pk=placed["id"]).update(status="placed")

    assert updated == 1


@pytest.mark.postgres(reason="the snapshot trigger exists on PostgreSQL only")
def test_a_queryset_update_to_a_new_status_is_written(placed):
    Order.objects.filter(pk=placed["id"]).update(status="shipped")

    assert Order.objects.get().status == "shipped"


@pytest.mark.postgres(reason="the snapshot trigger exists on PostgreSQL only")
def test_an_update_that_leaves_the_snapshot_as_it_is_passes(placed):
    updated = OrderItem.objects.filter(order_id=placed["id"]).update(quantity=F("quantity"))

    assert updated == 1


@pytest.mark.postgres(reason="the snapshot trigger exists on PostgreSQL only")
def test_a_bulk_update_that_writes_the_same_values_passes(placed):
    """A bulk tool may rewrite columns it did not change: the trigger compares values."""
    item = OrderItem.objects.get()

    updated = OrderItem.objects.bulk_update([item], ["product_name", "unit_price", "quantity"])

    assert updated == 1


@pytest.mark.postgres(reason="the snapshot trigger exists on PostgreSQL only")
def test_raw_sql_cannot_change_a_snapshot_either(placed):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_orderitem SET unit_price = 0 WHERE order_id = %s", [placed["id"]]
        )

    assert OrderItem.objects.get().unit_price == Decimal("12.50")
