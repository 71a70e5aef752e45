"""Pattern 07: exact match first, then prefix, then substring; a total order."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kata.variants import Fails, Holds, Kata, load_variant, said
from shop.products import selectors
from shop.products.models import Product

kata = Kata(
    naive=load_variant(__file__, "naive").product_search,
    article=load_variant(__file__, "article").product_search,
    shop=selectors.product_search,
)

pytestmark = pytest.mark.django_db


def catalogue(*names: str) -> list[Product]:
    """Products created oldest first, one minute apart, in the order given."""
    start = timezone.now() - timedelta(days=1)
    return [
        Product.objects.create(name=name, created_at=start + timedelta(minutes=n))
        for n, name in enumerate(names)
    ]


def searched(variant, term: str) -> list[str]:
    return [p.name for p in variant(selectors.product_list(), term)]


@kata(
    naive=Fails("icontains filters but does not rank: the newest match comes first"),
    article=Holds("exact 100, prefix 50, substring 10: the ranks put them in order"),
)
def test_the_exact_match_comes_first_then_prefixes_then_the_rest(variant):
    catalogue("Porcelain", "Porcelain vase", "Blue porcelain bowl")

    found = searched(variant, "porcelain")

    assert found == ["Porcelain", "Porcelain vase", "Blue porcelain bowl"], said(
        'searched "porcelain"', found, "exact, then prefix, then substring"
    )


RANK = {"exact": 0, "prefix": 1, "substring": 2}
MOMENT = timezone.now() - timedelta(days=2)
# Names and terms from a tiny alphabet holding SQL's wildcards and two cases of one
# letter (no letter whose case folds differently in Python and in SQL), so that every
# rank, literal `%` and `_`, and case folding come up often; products made on three
# days, so that many share one instant and the id must break the tie; some archived.
ALPHABET = "aAb%_ "
CATALOGUES = st.lists(
    st.tuples(
        st.text(ALPHABET, min_size=1, max_size=6),
        st.sampled_from([-1, 0, 1]),  # the day it was made
        st.booleans(),  # listed (False: archived, pattern 06)
    ),
    max_size=8,
)


def rank(name: str, term: str) -> int:
    name, term = name.lower(), term.lower()
    return (
        RANK["exact"]
        if name == term
        else RANK["prefix"]
        if name.startswith(term)
        else RANK["substring"]
    )


@kata(
    naive=Fails("icontains keeps the catalogue order, whatever matches best"),
    article=Fails("it ranks but never filters: names without the term stay in, at rank 0"),
)
@settings(report_multiple_bugs=False)
@given(catalogue=CATALOGUES, term=st.text(ALPHABET, min_size=1, max_size=3))
@example(catalogue=[("a", -1, True), ("ab", 0, True)], term="a")  # older exact, newer prefix
def test_any_catalogue_any_term_best_match_first_and_nothing_else(variant, catalogue, term):
    """The search's whole contract: of the listed products, exactly those whose name
    contains the term, best match first, then newest, then highest id."""
    with transaction.atomic():  # a savepoint: each example undoes its own rows
        products = [
            Product.objects.create(
                name=name, created_at=MOMENT + timedelta(days=day), is_active=listed
            )
            for name, day, listed in catalogue
        ]
        found = [p.pk for p in variant(selectors.product_list(), term)]
        transaction.set_rollback(True)

    matches = [p for p in products if p.is_active and term.lower() in p.name.lower()]
    best_first = sorted(
        matches, key=lambda p: (rank(p.name, term), -p.created_at.timestamp(), -p.pk)
    )
    expected = [p.pk for p in best_first]
    name = {p.pk: p.name for p in products}
    got, wanted = [name[pk] for pk in found], [name[pk] for pk in expected]
    assert sorted(found) == sorted(expected), said(
        f"searched {term!r} in {catalogue!r}", got, f"only the listed names containing it, {wanted}"
    )
    assert found == expected, said(
        f"searched {term!r} in {catalogue!r}",
        got,
        f"best match first, then newest, then highest id: {wanted}",
    )


@kata(
    naive=Holds("it keeps the catalogue's own order, which ends in -id"),
    article=Fails(
        "its order ends at created_at: products created in the same instant come back "
        "in the order the sort leaves them, here oldest id first"
    ),
)
def test_equal_ranks_go_newest_first_then_highest_id(variant):
    same_time = timezone.now()
    Product.objects.create(name="tea cup", created_at=same_time - timedelta(hours=1))
    Product.objects.create(name="tea pot", created_at=same_time)
    Product.objects.create(name="tea set", created_at=same_time)  # a higher id, same instant

    found = searched(variant, "tea")

    assert found == ["tea set", "tea pot", "tea cup"], said(
        'searched "tea" among three prefix matches, two created in the same instant',
        found,
        "newest first, then highest id: ['tea set', 'tea pot', 'tea cup']",
    )


LARGE_CATALOGUE = 20_000


@pytest.fixture
def large_catalogue():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO products_product (name, description, is_active, created_at) "
            "SELECT 'Item ' || n || ' ' || md5(n::text), '', true, now() "
            "FROM generate_series(1, %s) AS n",
            [LARGE_CATALOGUE],
        )
        # New rows wait in the GIN index's pending list until (auto)vacuum merges
        # them; a long list makes the planner shy of the index. Merge it now, as a
        # settled production table would have it.
        cursor.execute(
            "SELECT gin_clean_pending_list('products_product_name_upper_trgm'::regclass)"
        )
        cursor.execute("ANALYZE products_product")


def plan_of(term: str) -> str:
    return selectors.product_search(selectors.product_list(), term).explain()


@pytest.mark.postgres(reason="pg_trgm and EXPLAIN are PostgreSQL's")
def test_a_substring_search_on_a_large_catalogue_uses_the_upper_trigram_index(large_catalogue):
    plan = plan_of("zebra")

    assert "Bitmap Index Scan on products_product_name_upper_trgm" in plan, plan


@pytest.mark.postgres(reason="pg_trgm and EXPLAIN are PostgreSQL's")
def test_a_plain_trigram_index_on_name_cannot_serve_djangos_icontains(large_catalogue):
    """Django compares UPPER(name::text): an index on name itself never matches it."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX products_product_name_upper_trgm")
        cursor.execute(
            "CREATE INDEX plain_name_trgm ON products_product USING gin (name gin_trgm_ops)"
        )
        cursor.execute("ANALYZE products_product")

    plan = plan_of("zebra")

    assert "UPPER" in str(selectors.product_search(Product.objects.all(), "x").query).upper()
    assert "plain_name_trgm" not in plan, plan
    assert "Seq Scan" in plan, plan
