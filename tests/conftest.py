"""Fixtures shared by the shop's own suite (the root conftest.py holds the harness)."""

import json

import pytest


@pytest.fixture
def document(api_client) -> dict:
    """The OpenAPI document the shop serves at /api/schema/."""
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def paths(document) -> dict:
    return document["paths"]
