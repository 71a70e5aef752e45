"""Any JSON body at all, sent by staff: never a 5xx, always JSON, nothing written unless accepted.

"Bad input gets a 4xx, never a 500, and changes nothing" (api.md, Conventions),
checked for the catalogue's writes with bodies we did not think of. Bodies are
shaped like the real thing often enough that some get past validation.
"""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import event, given
from hypothesis import strategies as st

from shop.products.models import SKU, Product
from testing.factories import SKUFactory

pytestmark = pytest.mark.django_db

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
# Each value: half the time a plausible one, so that whole bodies are sometimes valid.
PRICES = st.one_of(
    st.decimals(min_value=0, max_value=10**9, places=2).map(str),
    st.one_of(
        st.decimals(min_value=-10, max_value=10**11, places=2).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats(),
        st.integers(),
        JSON_VALUES,
    ),
)
STOCKS = st.one_of(
    st.integers(min_value=0, max_value=1000),
    st.one_of(st.integers(min_value=-5, max_value=2**40), st.floats(), JSON_VALUES),
)
CODES = st.one_of(
    st.sampled_from(["NEW-1", "NEW-2", "NEW-3"]),
    st.one_of(st.sampled_from(["TAKEN", " NEW-1 "]), st.text(max_size=70), JSON_VALUES),
)
NAMES = st.one_of(
    st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs", "So"]), min_size=1),
    st.one_of(st.text(max_size=210), JSON_VALUES),
)
SKU_BODIES = st.one_of(
    st.fixed_dictionaries({"code": CODES, "price": PRICES, "stock": STOCKS}),
    st.fixed_dictionaries(
        {"code": CODES, "price": PRICES, "stock": STOCKS},
        optional={"colour": JSON_VALUES, "id": JSON_VALUES},
    ),
    JSON_VALUES,
)
PRODUCT_BODIES = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries(
        {
            "name": NAMES,
            "skus": st.one_of(st.lists(SKU_BODIES, min_size=1, max_size=3), JSON_VALUES),
        },
        optional={"description": NAMES, "is_active": JSON_VALUES},
    ),
)
PRODUCT_CHANGES = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries(
        {}, optional={"name": NAMES, "description": NAMES, "is_active": JSON_VALUES}
    ),
)
SKU_CHANGES = st.one_of(
    JSON_VALUES, st.fixed_dictionaries({}, optional={"price": PRICES, "stock": STOCKS})
)


@pytest.fixture
def taken(db):
    """A SKU already in the catalogue, whose code bodies may try to reuse."""
    return SKUFactory(code="TAKEN", price=Decimal("12.50"), stock=3)


def snapshot() -> dict[str, list[tuple]]:
    """Every product and SKU, as rows."""
    return {
        "products": list(
            Product.objects.order_by("id").values_list("id", "name", "description", "is_active")
        ),
        "skus": list(
            SKU.objects.order_by("id").values_list("id", "product_id", "code", "price", "stock")
        ),
    }


def send(client, method: str, url: str, body, success: int):
    """Send ``body`` as JSON; check the answer is JSON and below 500; undo its writes.

    Returns whether it succeeded, and what changed: (before, after).
    """
    # json.dumps allows NaN and Infinity, which the server must refuse as invalid JSON.
    raw = json.dumps(body)
    with transaction.atomic():  # a savepoint: each example undoes its own writes
        cache.clear()
        before = snapshot()

        response = getattr(client, method)(url, raw, content_type="application/json")

        assert response.status_code < 500, (
            f"{method.upper()} {url} {raw[:300]} answered {response.status_code}: "
            "bad input must get a 4xx"
        )
        assert response["Content-Type"] == "application/json"
        data = json.loads(response.content)
        event(f"answered {response.status_code}")  # see --hypothesis-show-statistics
        after = snapshot()
        if response.status_code != success:
            assert after == before, (
                f"{method.upper()} {url} {raw[:300]} answered {response.status_code} "
                "but changed the catalogue"
            )
        transaction.set_rollback(True)
    return response.status_code == success, data, before, after


@given(body=PRODUCT_BODIES)
def test_creating_a_product_answers_any_body_with_json_and_never_a_5xx(staff_client, taken, body):
    created, data, before, after = send(staff_client, "post", "/api/products/", body, 201)

    if created:
        assert len(after["products"]) == len(before["products"]) + 1
        assert len(after["skus"]) == len(before["skus"]) + len(data["skus"]) > len(before["skus"])


@given(body=PRODUCT_CHANGES)
def test_updating_a_product_answers_any_body_with_json_and_never_a_5xx(staff_client, taken, body):
    send(staff_client, "patch", f"/api/products/{taken.product_id}/", body, 200)


@given(body=SKU_CHANGES)
def test_updating_a_sku_answers_any_body_with_json_and_never_a_5xx(staff_client, taken, body):
    updated, data, _, after = send(staff_client, "patch", f"/api/skus/{taken.pk}/", body, 200)

    if updated:
        (stored,) = (row for row in after["skus"] if row[0] == taken.pk)
        assert (Decimal(data["price"]), data["stock"]) == stored[3:], (
            f"PATCH /api/skus/ {body!r} answered {data}, but the database holds {stored[3:]}"
        )
