"""The quick emptying after a transactional test (testing/flush.py) leaves what Django's flush leaves."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from shop.orders.models import Order
from testing import flush
from testing.factories import CartItemFactory, OrderItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def rows_per_table() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        return counts


@pytest.fixture
def after_a_full_flush(monkeypatch):
    """The reference tables as migrate (and so every full flush) leaves them."""
    monkeypatch.setitem(flush.reference_checksums, "default", flush.reference_checksum("default"))
    return {table: n for table, n in rows_per_table().items() if table in flush.REFERENCE_TABLES}


def test_every_row_a_test_wrote_is_gone_and_the_reference_rows_stay(after_a_full_flush):
    CartItemFactory.create_batch(2)  # users, products, SKUs, carts, cart items
    OrderItemFactory()  # an order, whose SKU its foreign key protects
    written = {table for table, n in rows_per_table().items() if n} - set(flush.REFERENCE_TABLES)
    assert {"users_user", "carts_cartitem", "orders_orderitem", "products_sku"} <= written

    assert flush.empty_quickly("default") is True

    left = {table: n for table, n in rows_per_table().items() if n}
    assert left == after_a_full_flush


@pytest.mark.parametrize(
    "change",
    [
        lambda: ContentType.objects.filter(model="order").update(model="renamed"),
        lambda: Permission.objects.filter(codename="view_order").delete(),
    ],
    ids=["a content type renamed", "a permission deleted"],
)
def test_changed_reference_rows_leave_the_work_to_djangos_flush(after_a_full_flush, change):
    assert ContentType.objects.get_for_model(Order).model == "order"
    change()

    assert flush.empty_quickly("default") is False
