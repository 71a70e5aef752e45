"""The catalogue in GET /api/schema/: its paths, methods and query parameters."""

import pytest

pytestmark = pytest.mark.django_db


def query_parameters(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def test_the_schema_lists_the_catalogue_with_its_methods(paths):
    methods = {
        path: set(operations) - {"parameters"}
        for path, operations in paths.items()
        if path.startswith(("/api/products/", "/api/skus/"))
    }

    assert methods == {
        "/api/products/": {"get", "post"},
        "/api/products/{id}/": {"get", "patch", "delete"},
        "/api/skus/{id}/": {"patch"},
    }


def test_the_list_documents_include_inactive_search_and_pagination(paths):
    parameters = query_parameters(paths["/api/products/"]["get"])

    assert {"include_inactive", "search", "page", "page_size"} <= parameters


def test_the_delete_documents_hard_and_the_409(paths):
    operation = paths["/api/products/{id}/"]["delete"]

    assert "hard" in query_parameters(operation)
    assert {"204", "409"} <= set(operation["responses"])


def test_the_sku_update_documents_price_and_stock_only(document, paths):
    request = paths["/api/skus/{id}/"]["patch"]["requestBody"]["content"]["application/json"]
    name = request["schema"]["$ref"].rsplit("/", 1)[-1]

    assert set(document["components"]["schemas"][name]["properties"]) == {"price", "stock"}


def test_the_product_update_documents_name_description_and_is_active(document, paths):
    request = paths["/api/products/{id}/"]["patch"]["requestBody"]["content"]["application/json"]
    name = request["schema"]["$ref"].rsplit("/", 1)[-1]

    assert set(document["components"]["schemas"][name]["properties"]) == {
        "name",
        "description",
        "is_active",
    }
