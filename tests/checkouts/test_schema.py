"""Checkout in GET /api/schema/: one POST, its Idempotency-Key header and its answers."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def operation(document) -> dict:
    return document["paths"]["/api/checkouts/"]["post"]


def test_the_schema_lists_checkout_as_a_post_only(document):
    assert set(document["paths"]["/api/checkouts/"]) - {"parameters"} == {"post"}


def test_the_checkout_documents_the_idempotency_key_header(operation):
    headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]

    assert [(p["name"], p["schema"]["type"], p.get("required", False)) for p in headers] == [
        ("Idempotency-Key", "string", False)
    ]


def test_the_checkout_documents_its_answers(operation):
    assert {"201", "400", "404", "409", "422"} <= set(operation["responses"])


def test_the_checkout_body_is_cart_id_only(document, operation):
    request = operation["requestBody"]["content"]["application/json"]
    name = request["schema"]["$ref"].rsplit("/", 1)[-1]

    assert set(document["components"]["schemas"][name]["properties"]) == {"cart_id"}


def test_the_checkout_answers_with_the_order(document, operation):
    answer = operation["responses"]["201"]["content"]["application/json"]
    name = answer["schema"]["$ref"].rsplit("/", 1)[-1]

    assert set(document["components"]["schemas"][name]["properties"]) == {
        "id",
        "status",
        "created_at",
        "total",
        "items",
    }
