"""Fixtures for the catalogue tests: the names a list answers."""

import pytest


@pytest.fixture
def listed_names():
    """``listed_names(client, **params)``: the product names on one page of the list."""

    def get(client, **params) -> list[str]:
        response = client.get("/api/products/", params)
        assert response.status_code == 200, (
            f"GET /api/products/ {params} answered {response.status_code}: {response.content[:300]}"
        )
        return [product["name"] for product in response.json()["results"]]

    return get
