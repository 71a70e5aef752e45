"""The roles a variant plays in a pattern's tests, named here once: naive, article,
counterexample, shop. Each is a pytest marker (pyproject.toml) that ``kata.variants.Kata``
sets, with ``variant(name)`` beside it for whatever reports a run."""

import pytest

ROLES = NAIVE, ARTICLE, COUNTEREXAMPLE, SHOP = ("naive", "article", "counterexample", "shop")
LESSONS = f"{NAIVE} or {ARTICLE} or {COUNTEREXAMPLE}"  # pytest -m: every variant but the shop


def role_of_variant(variant: str) -> str:
    """naive, article and shop play themselves; any other variant is a counterexample:
    code written only to show what one rule prevents (pattern 08's ``line-by-line``)."""
    return variant if variant in (NAIVE, ARTICLE, SHOP) else COUNTEREXAMPLE


def marks(variant: str) -> list[pytest.MarkDecorator]:
    """A variant's markers: its role, to select it (``-m naive``), and its name."""
    return [getattr(pytest.mark, role_of_variant(variant)), pytest.mark.variant(variant)]


def role_of(keywords) -> str:
    """The role of a test, from its keywords (an item's or a report's): a test that runs
    no variant is the shop's."""
    return next((role for role in ROLES if role in keywords), SHOP)


def variant_of(item: pytest.Item) -> str | None:
    """The name of the variant a test runs (``naive``, ``line-by-line``), if it runs one."""
    marker = item.get_closest_marker("variant")
    return marker.args[0] if marker else None


def reading_order(variant: str) -> int:
    """Where a variant's results come when shown: naive, article, counterexamples, shop."""
    return ROLES.index(role_of_variant(variant))
