"""Orders in GET /api/schema/: read-only paths, paginated list."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_lists_the_orders_as_read_only(paths):
    methods = {
        path: set(operations) - {"parameters"}
        for path, operations in paths.items()
        if path.startswith("/api/orders/")
    }

    assert methods == {"/api/orders/": {"get"}, "/api/orders/{id}/": {"get"}}


def test_the_order_list_documents_its_pagination(paths):
    parameters = {p["name"] for p in paths["/api/orders/"]["get"].get("parameters", [])}

    assert {"page", "page_size"} <= parameters
