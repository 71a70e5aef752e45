"""The carts in GET /api/schema/: their paths and methods."""

import pytest

pytestmark = pytest.mark.django_db


def request_properties(document, operation) -> set[str]:
    request = operation["requestBody"]["content"]["application/json"]
    name = request["schema"]["$ref"].rsplit("/", 1)[-1]
    return set(document["components"]["schemas"][name]["properties"])


def test_the_schema_lists_the_cart_paths_with_their_methods(paths):
    methods = {
        path: set(operations) - {"parameters"}
        for path, operations in paths.items()
        if path.startswith("/api/carts/")
    }

    assert methods == {
        "/api/carts/": {"post"},
        "/api/carts/{cart_id}/": {"get"},
        "/api/carts/{cart_id}/items/": {"post"},
        "/api/carts/{cart_id}/items/{item_id}/": {"patch", "delete"},
    }


def test_adding_a_line_documents_sku_id_and_quantity_and_the_201(document, paths):
    operation = paths["/api/carts/{cart_id}/items/"]["post"]

    assert "201" in operation["responses"]
    assert request_properties(document, operation) == {"sku_id", "quantity"}


def test_setting_a_quantity_documents_quantity_only(document, paths):
    operation = paths["/api/carts/{cart_id}/items/{item_id}/"]["patch"]

    assert request_properties(document, operation) == {"quantity"}


def test_creating_a_cart_documents_no_body_and_the_201(paths):
    operation = paths["/api/carts/"]["post"]

    assert "requestBody" not in operation
    assert "201" in operation["responses"]
