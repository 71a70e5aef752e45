"""DELETE /api/products/{id}/ (api.md, Catalogue; pattern 06).

Soft by default: the product is archived, and every order that has it keeps it.
``?hard=true`` purges for good, and is refused with 409 while any order item
refers to one of its SKUs. (The race of a purge against a concurrent checkout
is pattern 06's test.)
"""

import pytest

from shop.orders.models import OrderItem
from shop.products.models import SKU, Product
from testing.factories import OrderFactory, OrderItemFactory, ProductFactory

pytestmark = pytest.mark.django_db


def url(product_id, hard: str | None = None) -> str:
    query = "" if hard is None else f"?hard={hard}"
    return f"/api/products/{product_id}/{query}"


def is_active(product) -> bool:
    product.refresh_from_db()
    return product.is_active


# --- Soft delete ---------------------------------------------------------------------


def test_a_delete_archives_the_product_and_keeps_it_with_its_skus(staff_client):
    product = ProductFactory(skus=2)

    response = staff_client.delete(url(product.pk))

    assert response.status_code == 204
    assert response.content == b""
    assert is_active(product) is False
    assert product.skus.count() == 2


def test_an_archived_product_leaves_the_list(staff_client, api_client, listed_names):
    product = ProductFactory(name="Teapot")

    staff_client.delete(url(product.pk))

    assert listed_names(api_client) == []


def test_an_archived_product_leaves_the_detail_page_for_customers(staff_client, customer_client):
    product = ProductFactory(name="Teapot")

    staff_client.delete(url(product.pk))

    assert customer_client.get(url(product.pk)).status_code == 404


def test_an_archived_product_leaves_the_search(staff_client, customer_client, listed_names):
    product = ProductFactory(name="Teapot")

    staff_client.delete(url(product.pk))

    assert listed_names(customer_client, search="Teapot") == []


def test_an_archived_product_stays_intact_in_the_orders_that_have_it(staff_client):
    item = OrderItemFactory(sku__product__name="Teapot", quantity=2)

    response = staff_client.delete(url(item.sku.product_id))

    assert response.status_code == 204
    item = OrderItem.objects.select_related("sku__product").get(pk=item.pk)
    assert (item.sku.code, item.sku.product.name, item.sku.product.is_active, item.quantity) == (
        item.sku_code,
        "Teapot",
        False,
        2,
    )


@pytest.mark.parametrize("hard", ["false", "0", "no", "", "FALSE"])
def test_a_hard_flag_that_says_no_means_a_soft_delete(staff_client, hard):
    product = ProductFactory(skus=1)

    response = staff_client.delete(url(product.pk, hard))

    assert response.status_code == 204
    assert is_active(product) is False


def test_archiving_an_archived_product_again_is_harmless(staff_client):
    product = ProductFactory(archived=True)

    assert staff_client.delete(url(product.pk)).status_code == 204
    assert is_active(product) is False


# --- Hard delete ---------------------------------------------------------------------------


@pytest.mark.parametrize("hard", ["true", "1", "yes", "TRUE", "Yes"])
def test_a_hard_delete_purges_an_unordered_product_and_its_skus(staff_client, hard):
    product = ProductFactory(skus=2)
    kept = ProductFactory(skus=1)

    response = staff_client.delete(url(product.pk, hard))

    assert response.status_code == 204
    assert list(Product.objects.all()) == [kept]
    assert list(SKU.objects.values_list("product_id", flat=True)) == [kept.pk]


def test_a_hard_delete_purges_an_archived_product(staff_client):
    product = ProductFactory(archived=True, skus=1)

    response = staff_client.delete(url(product.pk, "true"))

    assert response.status_code == 204
    assert not Product.objects.exists()
    assert not SKU.objects.exists()


def test_a_hard_delete_of_an_ordered_product_is_refused_with_the_number_of_order_items(
    staff_client,
):
    product = ProductFactory(skus=2)
    small, large = product.skus.all()
    first_order, second_order = OrderFactory(), OrderFactory()
    OrderItemFactory(order=first_order, sku=small)
    OrderItemFactory(order=first_order, sku=large)
    OrderItemFactory(order=second_order, sku=small)

    response = staff_client.delete(url(product.pk, "true"))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cannot hard-delete: referenced by 3 order items.",
        "code": "still_referenced",
    }


def test_a_refused_hard_delete_changes_nothing(staff_client):
    item = OrderItemFactory()
    product = item.sku.product
    ProductFactory(skus=1)  # another product's SKU, not counted and not touched

    staff_client.delete(url(product.pk, "true"))

    assert is_active(product) is True, "a refused purge must not archive either"
    assert (Product.objects.count(), SKU.objects.count(), OrderItem.objects.count()) == (2, 2, 1)


def test_the_count_ignores_order_items_of_other_products(staff_client):
    item = OrderItemFactory()
    OrderItemFactory.create_batch(2)  # other products' SKUs

    response = staff_client.delete(url(item.sku.product_id, "true"))

    assert response.json()["detail"] == "Cannot hard-delete: referenced by 1 order items."


def test_a_hard_flag_that_is_neither_yes_nor_no_is_a_400_and_changes_nothing(staff_client):
    product = ProductFactory(skus=1)

    response = staff_client.delete(url(product.pk, "maybe"))

    assert response.status_code == 400
    assert list(response.json()) == ["hard"]
    assert is_active(product) is True
    assert SKU.objects.count() == 1


# --- Who may delete ---------------------------------------------------------------------------


@pytest.mark.parametrize("hard", [None, "true"])
def test_an_anonymous_visitor_cannot_delete_a_product(api_client, hard):
    product = ProductFactory()

    response = api_client.delete(url(product.pk, hard))

    assert response.status_code == 401
    assert is_active(product) is True


@pytest.mark.parametrize("hard", [None, "true"])
def test_a_customer_cannot_delete_a_product(customer_client, hard):
    product = ProductFactory()

    response = customer_client.delete(url(product.pk, hard))

    assert response.status_code == 403
    assert is_active(product) is True


@pytest.mark.parametrize("hard", [None, "true"])
def test_deleting_an_unknown_product_is_a_json_404(staff_client, hard):
    response = staff_client.delete(url(999999, hard))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
