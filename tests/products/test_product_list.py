"""GET /api/products/ (api.md, Catalogue): anyone reads the active catalogue, a page at a time."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.products.models import Product
from testing.factories import ProductFactory, SKUFactory

pytestmark = pytest.mark.django_db

URL = "/api/products/"


def many_products(count: int) -> None:
    """``count`` products in one INSERT: the pagination tests need many, not their details."""
    Product.objects.bulk_create(Product(name=f"Bulk {n}") for n in range(count))


# --- Who sees what ----------------------------------------------------------------------


def test_anyone_can_list_the_catalogue_without_logging_in(api_client, listed_names):
    ProductFactory(name="Teapot")

    assert listed_names(api_client) == ["Teapot"]


def test_the_list_shows_active_products_only(api_client, listed_names):
    ProductFactory(name="Teapot")
    ProductFactory(name="Old kettle", archived=True)

    assert listed_names(api_client) == ["Teapot"]


def test_staff_see_active_products_only_unless_they_ask(staff_client, listed_names):
    ProductFactory(name="Teapot")
    ProductFactory(name="Old kettle", archived=True)

    assert listed_names(staff_client) == ["Teapot"]


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE", " Yes "])
def test_staff_see_archived_products_with_include_inactive(staff_client, listed_names, value):
    ProductFactory(name="Teapot")
    ProductFactory(name="Old kettle", archived=True)

    assert sorted(listed_names(staff_client, include_inactive=value)) == ["Old kettle", "Teapot"]


@pytest.mark.parametrize("value", ["false", "0", "no", ""])
def test_staff_asking_not_to_include_inactive_see_active_products_only(
    staff_client, listed_names, value
):
    ProductFactory(name="Teapot")
    ProductFactory(name="Old kettle", archived=True)

    assert listed_names(staff_client, include_inactive=value) == ["Teapot"]


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_include_inactive_is_ignored_for_anyone_but_staff(
    api_client, customer_client, listed_names, who
):
    client = customer_client if who == "customer" else api_client
    ProductFactory(name="Teapot")
    ProductFactory(name="Old kettle", archived=True)

    assert listed_names(client, include_inactive="true") == ["Teapot"]


def test_staff_get_a_400_for_an_include_inactive_that_is_not_a_yes_or_no(staff_client):
    response = staff_client.get(URL, {"include_inactive": "maybe"})

    assert response.status_code == 400
    assert list(response.json()) == ["include_inactive"]


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_anyone_gets_a_400_for_an_include_inactive_that_is_not_a_yes_or_no(
    api_client, customer_client, who
):
    """The value is malformed whoever sends it: only its effect is reserved to staff.

    ``shop.products.views.flag`` says "anything unrecognised is a 400, not a silent
    no"; a client developer testing as a customer must learn of the typo too.
    """
    client = customer_client if who == "customer" else api_client

    response = client.get(URL, {"include_inactive": "maybe"})

    assert response.status_code == 400, (
        f"GET {URL}?include_inactive=maybe as {who} answered {response.status_code}, "
        "expected 400 as for staff: a malformed flag was silently ignored"
    )


# --- Pagination ------------------------------------------------------------------------------


def test_a_page_has_the_contract_keys_and_20_products(api_client):
    many_products(25)

    data = api_client.get(URL).json()

    assert list(data) == ["count", "next", "previous", "results"]
    assert (data["count"], len(data["results"]), data["previous"]) == (25, 20, None)
    assert "page=2" in data["next"]


def test_the_last_page_holds_the_rest_and_links_back(api_client):
    many_products(25)

    data = api_client.get(URL, {"page": 2}).json()

    assert (len(data["results"]), data["next"]) == (5, None)
    assert data["previous"] is not None


def test_page_size_chooses_the_page_length(api_client):
    many_products(25)

    assert len(api_client.get(URL, {"page_size": 7}).json()["results"]) == 7


@pytest.mark.parametrize("page_size", ["101", "1000"])
def test_page_size_is_capped_at_100(api_client, page_size):
    many_products(105)

    assert len(api_client.get(URL, {"page_size": page_size}).json()["results"]) == 100


def test_a_page_past_the_end_is_a_json_404(api_client):
    many_products(3)

    response = api_client.get(URL, {"page": 999})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_an_empty_catalogue_is_an_empty_first_page(api_client):
    assert api_client.get(URL).json() == {"count": 0, "next": None, "previous": None, "results": []}


# --- Content and order -----------------------------------------------------------------------


def test_each_product_in_the_list_has_the_detail_shape(api_client):
    SKUFactory(product=ProductFactory(name="Teapot"))

    (product,) = api_client.get(URL).json()["results"]

    assert list(product) == ["id", "name", "description", "is_active", "created_at", "skus"]
    assert list(product["skus"][0]) == ["id", "code", "price", "stock"]


@pytest.mark.parametrize(
    ("price", "shown"),
    [
        (Decimal("12.5"), "12.50"),
        (Decimal("3"), "3.00"),
        (Decimal("9999999999.99"), "9999999999.99"),
    ],
)
def test_money_is_a_string_with_two_decimal_places(api_client, price, shown):
    SKUFactory(price=price)

    (product,) = api_client.get(URL).json()["results"]

    assert product["skus"][0]["price"] == shown


def test_a_products_skus_are_listed_in_the_order_they_were_added(api_client):
    product = ProductFactory()
    codes = [SKUFactory(product=product, code=code).code for code in ["M", "A", "Z"]]

    (listed,) = api_client.get(URL).json()["results"]

    assert [sku["code"] for sku in listed["skus"]] == codes


def test_the_newest_product_comes_first(api_client, listed_names):
    now = timezone.now()
    ProductFactory(name="Middle", created_at=now - timedelta(days=1))
    ProductFactory(name="Newest", created_at=now)
    ProductFactory(name="Oldest", created_at=now - timedelta(days=2))

    assert listed_names(api_client) == ["Newest", "Middle", "Oldest"]


def test_products_created_at_the_same_moment_come_highest_id_first(api_client, listed_names):
    moment = timezone.now()
    for name in ["First", "Second", "Third"]:
        ProductFactory(name=name, created_at=moment)

    assert listed_names(api_client) == ["Third", "Second", "First"]


def test_pages_of_products_created_at_the_same_moment_never_overlap_or_skip(api_client):
    moment = timezone.now()
    Product.objects.bulk_create(Product(name=f"Same {n}", created_at=moment) for n in range(10))

    walked = []
    for page in range(1, 5):
        data = api_client.get(URL, {"page_size": 3, "page": page}).json()
        walked += [product["id"] for product in data["results"]]
    one_page = [product["id"] for product in api_client.get(URL).json()["results"]]

    assert walked == one_page
    assert len(set(walked)) == 10
