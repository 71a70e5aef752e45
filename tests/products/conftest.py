"""Fixtures for the catalogue tests: a client per role, and the names a list answers.

Imports from Django live inside the fixtures: pytest loads this file before the
root conftest has configured the settings.
"""

import pytest


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)


@pytest.fixture
def customer_client(client_for, user):
    return client_for(user)


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
