"""The search ordering invariant (pattern 07), for any small catalogue and any term.

Names and terms are drawn from a tiny alphabet holding SQL's wildcards, so that
matches of every rank, ties and literal ``%``/``_`` are frequent. Timestamps come
from three instants, so that many products share one and the id must break the tie.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from shop.products.selectors import product_list, product_search
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

ALPHABET = "aAb%_ "
MOMENT = datetime(2026, 1, 1, tzinfo=UTC)

CATALOGUES = st.lists(
    st.tuples(
        st.text(ALPHABET, min_size=1, max_size=6),
        st.sampled_from([MOMENT - timedelta(days=1), MOMENT, MOMENT + timedelta(days=1)]),
        st.booleans(),  # is_active
    ),
    max_size=8,
)
TERMS = st.text(ALPHABET, min_size=1, max_size=3)


def rank(name: str, term: str) -> int:
    """What the search should score: exact 100, prefix 50, substring 10 (this alphabet
    has no letter whose case folds differently in Python and in SQL)."""
    name, term = name.lower(), term.lower()
    if name == term:
        return 100
    return 50 if name.startswith(term) else 10


@given(catalogue=CATALOGUES, term=TERMS)
def test_the_search_finds_exactly_the_names_containing_the_term_in_rank_order(catalogue, term):
    with transaction.atomic():  # a savepoint: each example undoes its own rows
        products = [
            ProductFactory(name=name, created_at=created_at, is_active=is_active)
            for name, created_at, is_active in catalogue
        ]

        found = [
            (product.pk, product.search_rank) for product in product_search(product_list(), term)
        ]

        matches = [p for p in products if p.is_active and term.lower() in p.name.lower()]
        expected = [
            (p.pk, rank(p.name, term))
            for p in sorted(
                matches,
                key=lambda p: (-rank(p.name, term), -p.created_at.timestamp(), -p.pk),
            )
        ]
        assert found == expected, (
            f"searched {term!r} in "
            f"{[(p.pk, p.name, p.created_at.date().isoformat(), p.is_active) for p in products]}, "
            f"got (id, rank) {found}, expected {expected}"
        )
        transaction.set_rollback(True)
