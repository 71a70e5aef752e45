"""The catalogue reads a fixed number of queries, however many products and SKUs a page holds."""

import pytest

from testing.factories import ProductFactory

pytestmark = pytest.mark.django_db

# The page's COUNT, its products, and all their SKUs in one prefetch.
LIST_QUERIES = 3


@pytest.mark.parametrize(("products", "skus"), [(1, 1), (20, 5)], ids=["1x1", "20x5"])
def test_a_page_of_the_list_costs_three_queries(
    api_client, django_assert_num_queries, products, skus
):
    ProductFactory.create_batch(products, skus=skus)

    with django_assert_num_queries(LIST_QUERIES):
        response = api_client.get("/api/products/")

    assert len(response.json()["results"]) == products


@pytest.mark.parametrize(("products", "skus"), [(1, 1), (20, 5)], ids=["1x1", "20x5"])
def test_a_page_of_a_search_costs_three_queries(
    api_client, django_assert_num_queries, products, skus
):
    ProductFactory.create_batch(products, skus=skus, name="Teapot")

    with django_assert_num_queries(LIST_QUERIES):
        response = api_client.get("/api/products/", {"search": "tea"})

    assert len(response.json()["results"]) == products


def test_staff_pay_one_more_query_to_load_their_account(staff_client, django_assert_num_queries):
    ProductFactory.create_batch(20, skus=5, archived=True)

    with django_assert_num_queries(1 + LIST_QUERIES):
        response = staff_client.get("/api/products/", {"include_inactive": "true"})

    assert len(response.json()["results"]) == 20


def test_a_product_with_many_skus_costs_two_queries(api_client, django_assert_num_queries):
    product = ProductFactory(skus=30)

    with django_assert_num_queries(2):
        response = api_client.get(f"/api/products/{product.pk}/")

    assert len(response.json()["skus"]) == 30
