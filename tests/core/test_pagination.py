"""Lists are paginated: {count, next, previous, results}, 20 a page, ?page_size= up to 100."""

import pytest
from django.conf import settings
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from shop.core.pagination import PageNumberPagination


def paginate(query: str = ""):
    """One page of 250 items, as the shop's paginator answers ``?{query}``."""
    paginator = PageNumberPagination()
    request = Request(APIRequestFactory().get(f"/api/things/?{query}"))
    page = paginator.paginate_queryset(list(range(250)), request)
    return paginator.get_paginated_response(page).data


def test_the_default_pagination_is_the_shops():
    assert (
        settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]
        == "shop.core.pagination.PageNumberPagination"
    )


def test_a_page_has_the_contract_keys_and_20_results():
    data = paginate()

    assert list(data) == ["count", "next", "previous", "results"]
    assert (data["count"], len(data["results"]), data["previous"]) == (250, 20, None)
    assert "page=2" in data["next"]


def test_page_size_chooses_the_page_length():
    assert len(paginate("page_size=50")["results"]) == 50


@pytest.mark.parametrize("page_size", ["101", "1000"])
def test_page_size_is_capped_at_100(page_size):
    assert len(paginate(f"page_size={page_size}")["results"]) == 100


@pytest.mark.parametrize("page_size", ["0", "-5", "lots"])
def test_a_nonsensical_page_size_falls_back_to_20(page_size):
    assert len(paginate(f"page_size={page_size}")["results"]) == 20
