"""Orders in /admin/: staff read them; items are read-only; nobody deletes or invents an order."""

from decimal import Decimal

import pytest

from shop.orders.models import Order, OrderItem
from testing.factories import CartItemFactory, OrderFactory, OrderItemFactory, UserFactory

pytestmark = pytest.mark.django_db

ORDERS = "/admin/orders/order/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


@pytest.fixture
def item(db):
    return OrderItemFactory(
        order__user__email="tea@example.com",
        order__total=Decimal("25.00"),
        product_name="Teapot",
        sku_code="TEAPOT",
        unit_price=Decimal("12.50"),
        quantity=2,
        line_total=Decimal("25.00"),
    )


def change_form_data(response) -> dict:
    """The POST body the admin's change page would send back unchanged, inlines included."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-{key}": value
                for key, value in formset.management_form.initial.items()
            }
        )
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[subform.add_prefix(name)] = value
    return data


def test_the_order_list_shows_each_order_with_its_customer_and_total(admin_client, item):
    response = admin_client.get(ORDERS)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [item.order]
    assert b"tea@example.com" in response.content
    assert b"25.00" in response.content


def test_the_order_list_searches_by_sku_code_once_per_order(admin_client, item):
    OrderItemFactory(order=item.order, sku_code="TEAPOT-LID")
    OrderItemFactory(sku_code="KETTLE")

    response = admin_client.get(ORDERS, {"q": "TEAPOT"})

    assert list(response.context["cl"].result_list) == [item.order]


def test_an_order_page_shows_its_items(admin_client, item):
    response = admin_client.get(f"{ORDERS}{item.order_id}/change/")

    assert response.status_code == 200
    assert b"Teapot" in response.content
    assert b"TEAPOT" in response.content


def test_an_orders_items_are_read_only(admin_client, item):
    response = admin_client.get(f"{ORDERS}{item.order_id}/change/")

    [inline] = response.context["inline_admin_formsets"]
    [form] = inline.formset.forms
    assert set(form.fields) == {"id", "order"}, "only the hidden keys may be form fields"
    assert not inline.has_add_permission
    assert not inline.formset.can_delete


def test_the_total_and_customer_of_an_order_are_read_only(admin_client, item):
    response = admin_client.get(f"{ORDERS}{item.order_id}/change/")

    editable = set(response.context["adminform"].form.fields)
    assert not editable & {"total", "user", "created_at"}


def test_saving_an_order_page_unchanged_keeps_it_as_it_was(admin_client, item):
    page = admin_client.get(f"{ORDERS}{item.order_id}/change/")

    response = admin_client.post(f"{ORDERS}{item.order_id}/change/", change_form_data(page))

    assert response.status_code == 302, (
        "the admin's own change form, sent back unchanged, must save"
    )
    assert Order.objects.filter(pk=item.order_id, total=Decimal("25.00")).exists()
    assert OrderItem.objects.filter(pk=item.pk, unit_price=Decimal("12.50"), quantity=2).exists()


def test_nobody_may_delete_an_order(admin_client, item):
    response = admin_client.get(f"{ORDERS}{item.order_id}/delete/")

    assert response.status_code == 403
    assert Order.objects.filter(pk=item.order_id).exists()


def test_the_order_list_offers_no_bulk_delete(admin_client, item):
    response = admin_client.get(ORDERS)

    assert response.status_code == 200
    assert b'value="delete_selected"' not in response.content


def test_nobody_may_add_an_order_by_hand(admin_client):
    response = admin_client.get(f"{ORDERS}add/")

    assert response.status_code == 403, (
        f"GET {ORDERS}add/ answered {response.status_code}, expected 403: its form cannot "
        "set the read-only customer, so submitting it is an IntegrityError (a 500); "
        "only checkout places orders"
    )


def test_an_order_without_items_loads_too(admin_client):
    order = OrderFactory()

    assert admin_client.get(f"{ORDERS}{order.pk}/change/").status_code == 200


def test_a_cart_page_and_the_order_it_became_both_load(admin_client, item):
    cart_item = CartItemFactory(sku=item.sku)

    assert admin_client.get(f"/admin/carts/cart/{cart_item.cart_id}/change/").status_code == 200
    assert admin_client.get(f"{ORDERS}{item.order_id}/change/").status_code == 200
