"""GET /api/products/?search=TERM (api.md, Catalogue; pattern 07).

Ranked: exact name match, then name prefix, then name substring; ties newest
first, then highest id. Case-insensitive; ``%``, ``_`` and ``\\`` are literal.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop.products.models import Product
from testing.factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/products/"


def products_named(*names: str) -> None:
    """One product per name, each older than the one before: creation order is not rank."""
    now = timezone.now()
    for age, name in enumerate(names):
        ProductFactory(name=name, created_at=now - timedelta(minutes=age))


# --- Ranking -------------------------------------------------------------------------


def test_an_exact_match_comes_before_a_prefix_before_a_substring(api_client, listed_names):
    # Newest first, so that the ranking, not the default order, has to put them right.
    products_named("Green tea", "Tea cup", "Tea")

    assert listed_names(api_client, search="tea") == ["Tea", "Tea cup", "Green tea"]


def test_names_without_the_term_are_left_out(api_client, listed_names):
    products_named("Teapot", "Kettle", "Mug")

    assert listed_names(api_client, search="tea") == ["Teapot"]


@pytest.mark.parametrize("term", ["teapot", "TEAPOT", "TeaPot", "tEAPOT"])
def test_the_search_ignores_case(api_client, listed_names, term):
    products_named("TeaPot", "Kettle")

    assert listed_names(api_client, search=term) == ["TeaPot"]


def test_an_exact_match_in_another_case_still_ranks_as_exact(api_client, listed_names):
    products_named("Teapot stand", "TEAPOT")

    assert listed_names(api_client, search="teapot") == ["TEAPOT", "Teapot stand"]


def test_within_a_rank_the_newest_comes_first(api_client, listed_names):
    now = timezone.now()
    ProductFactory(name="Tea cup", created_at=now - timedelta(days=2))
    ProductFactory(name="Tea tin", created_at=now)
    ProductFactory(name="Tea towel", created_at=now - timedelta(days=1))

    assert listed_names(api_client, search="tea") == ["Tea tin", "Tea towel", "Tea cup"]


def test_within_a_rank_products_created_together_come_highest_id_first(api_client, listed_names):
    moment = timezone.now()
    for name in ["Tea cup", "Tea tin", "Tea towel"]:
        ProductFactory(name=name, created_at=moment)

    assert listed_names(api_client, search="tea") == ["Tea towel", "Tea tin", "Tea cup"]


def test_a_better_rank_beats_a_newer_product(api_client, listed_names):
    now = timezone.now()
    ProductFactory(name="Tea", created_at=now - timedelta(days=30))
    ProductFactory(name="Green tea", created_at=now)

    assert listed_names(api_client, search="tea") == ["Tea", "Green tea"]


# --- Who sees what ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff"])
def test_archived_products_never_appear_in_the_search(
    api_client, customer_client, staff_client, listed_names, who
):
    client = {"anonymous": api_client, "customer": customer_client, "staff": staff_client}[who]
    ProductFactory(name="Teapot")
    ProductFactory(name="Old teapot", archived=True)

    assert listed_names(client, search="teapot") == ["Teapot"]


# --- Terms --------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["", "   ", "\t"], ids=["empty", "spaces", "tab"])
def test_a_blank_term_is_ignored(api_client, listed_names, term):
    products_named("Teapot", "Kettle")

    assert listed_names(api_client, search=term) == ["Teapot", "Kettle"]


def test_the_term_is_trimmed(api_client, listed_names):
    products_named("Teapot", "Kettle")

    assert listed_names(api_client, search="  teapot  ") == ["Teapot"]


def test_a_term_of_200_characters_is_accepted(api_client, listed_names):
    products_named("x" * 200, "Kettle")

    assert listed_names(api_client, search="x" * 200) == ["x" * 200]


def test_a_term_longer_than_200_characters_is_a_400(api_client):
    response = api_client.get(URL, {"search": "x" * 201})

    assert response.status_code == 400
    assert list(response.json()) == ["search"]


def test_a_nul_character_in_the_term_is_a_400_not_a_500(api_client):
    response = api_client.get(URL, {"search": "tea\x00pot"})

    assert response.status_code == 400
    assert list(response.json()) == ["search"]


WILDCARD_NAMES = ["100% cotton", "100 cotton", "a_b", "axb", "back\\slash", "backslash"]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("%", ["100% cotton"]),
        ("100%", ["100% cotton"]),
        ("_", ["a_b"]),
        ("a_b", ["a_b"]),
        ("\\", ["back\\slash"]),
        ("k\\s", ["back\\slash"]),
    ],
    ids=[
        "percent",
        "percent-prefix",
        "underscore",
        "underscore-exact",
        "backslash",
        "backslash-in",
    ],
)
def test_sql_wildcards_in_the_term_are_literal(api_client, listed_names, term, expected):
    products_named(*WILDCARD_NAMES)

    assert listed_names(api_client, search=term) == expected


@pytest.mark.parametrize(
    ("names", "term", "expected"),
    [
        (["Teapot 🫖", "Kettle", "🫖"], "🫖", ["🫖", "Teapot 🫖"]),
        (["急須 (teapot)", "湯呑み", "急須"], "急須", ["急須", "急須 (teapot)"]),
        (["Café crème", "Cafe creme"], "é", ["Café crème"]),
    ],
    ids=["emoji", "cjk", "accent"],
)
def test_unicode_terms_find_names_written_the_same_way(
    api_client, listed_names, names, term, expected
):
    products_named(*names)

    assert listed_names(api_client, search=term) == expected


@pytest.mark.postgres(
    reason="SQLite's LIKE folds the case of ASCII letters only: 'É' and 'é' differ there"
)
@pytest.mark.parametrize("term", ["éclair", "ÉCLAIR", "Éclair"])
def test_the_case_of_accented_letters_is_ignored(api_client, listed_names, term):
    products_named("ÉCLAIR au chocolat", "éclair", "Eclair")

    assert listed_names(api_client, search=term) == ["éclair", "ÉCLAIR au chocolat"]


# --- With pagination -------------------------------------------------------------------------


def test_walking_the_pages_of_a_search_yields_each_match_once_in_order(api_client):
    """Ten matches, most created in the same instant: the id breaks every tie."""
    moment = timezone.now()
    names = ["tea", "TEA", "tea cup", "Tea tin", "Tea towel", "green tea", "iced tea", "teal"]
    Product.objects.bulk_create(Product(name=name, created_at=moment) for name in names)
    ProductFactory(name="Tea bag", created_at=moment - timedelta(days=1))
    ProductFactory(name="mint tea", created_at=moment + timedelta(days=1))
    ProductFactory(name="Kettle", created_at=moment)

    def page(number: int, size: int) -> dict:
        response = api_client.get(URL, {"search": "tea", "page_size": size, "page": number})
        assert response.status_code == 200, response.content
        return response.json()

    one_big_page = [product["id"] for product in page(1, 100)["results"]]
    walked, number = [], 1
    while True:
        data = page(number, 3)
        walked += [product["id"] for product in data["results"]]
        if data["next"] is None:
            break
        number += 1

    assert len(one_big_page) == 10
    assert walked == one_big_page
    assert number == 4
