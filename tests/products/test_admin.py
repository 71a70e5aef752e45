"""The catalogue in /admin/: products with their SKUs inline, archive and restore in bulk."""

import pytest

from shop.products.models import Product
from testing.factories import ProductFactory, SKUFactory, UserFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/admin/products/product/"
SKUS = "/admin/products/sku/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


def test_the_product_list_shows_active_and_archived_products(admin_client):
    ProductFactory(name="Teapot")
    ProductFactory(name="Old kettle", archived=True)

    response = admin_client.get(PRODUCTS)

    assert response.status_code == 200
    assert b"Teapot" in response.content
    assert b"Old kettle" in response.content


def test_the_product_list_searches_by_name(admin_client):
    ProductFactory(name="Teapot")
    ProductFactory(name="Kettle")

    response = admin_client.get(PRODUCTS, {"q": "teap"})

    assert b"Teapot" in response.content
    assert b"Kettle" not in response.content


def test_the_product_list_searches_by_sku_code_once_per_product(admin_client):
    product = ProductFactory(name="Teapot")
    SKUFactory(product=product, code="TEA-S")
    SKUFactory(product=product, code="TEA-L")
    ProductFactory(name="Kettle", skus=1)

    response = admin_client.get(PRODUCTS, {"q": "TEA-"})

    assert list(response.context["cl"].result_list) == [product]


def test_the_product_list_filters_archived_products(admin_client):
    ProductFactory(name="Teapot")
    archived = ProductFactory(name="Old kettle", archived=True)

    response = admin_client.get(PRODUCTS, {"is_active__exact": "0"})

    assert list(response.context["cl"].result_list) == [archived]


def test_a_product_page_shows_its_skus_inline(admin_client):
    product = ProductFactory(name="Teapot")
    SKUFactory(product=product, code="TEA-S")

    response = admin_client.get(f"{PRODUCTS}{product.pk}/change/")

    assert response.status_code == 200
    assert b"TEA-S" in response.content


@pytest.mark.parametrize(
    ("action", "before", "after"), [("archive", True, False), ("restore", False, True)]
)
def test_the_bulk_actions_archive_and_restore_the_selected_products(
    admin_client, action, before, after
):
    chosen = ProductFactory.create_batch(2, is_active=before)
    other = ProductFactory(is_active=before)

    response = admin_client.post(
        PRODUCTS, {"action": action, "_selected_action": [p.pk for p in chosen]}
    )

    assert response.status_code == 302
    assert set(Product.objects.filter(is_active=after)) == set(chosen)
    other.refresh_from_db()
    assert other.is_active is before


def test_the_sku_list_loads_with_its_products(admin_client):
    SKUFactory(code="TEA-S", product__name="Teapot")

    response = admin_client.get(SKUS)

    assert response.status_code == 200
    assert b"TEA-S" in response.content
    assert b"Teapot" in response.content


def test_the_sku_list_filters_by_archived_product(admin_client):
    SKUFactory(code="TEA-S")
    archived = SKUFactory(code="OLD-K", product__archived=True)

    response = admin_client.get(SKUS, {"product__is_active__exact": "0"})

    assert list(response.context["cl"].result_list) == [archived]
