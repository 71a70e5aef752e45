"""The schema's documented error codes, as ``testing/error_codes.py`` reads them.

The plugin fails a whole run of the suite when a documented code never came back
from any request; this pins what it reads, so it cannot quietly read nothing.
"""

from testing.error_codes import documented_codes


def test_the_schema_documents_the_checkout_and_login_codes_among_others():
    assert {
        "empty_cart",
        "insufficient_stock",
        "idempotency_key_in_use",
        "idempotency_key_reused",
        "invalid_credentials",
        "email_not_verified",
    } <= set(documented_codes())


def test_each_code_is_placed_by_its_operation_and_status():
    assert documented_codes()["idempotency_key_in_use"] == ["POST /api/checkouts/ 409"]
