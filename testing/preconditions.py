"""A harness precondition: what a test needs to have happened before its assertions mean anything."""

import pytest


def require(condition: object, precondition: str) -> None:
    """A harness precondition: when it does not hold, the test fails, whatever it expected.

    ``pytest.fail`` raises no AssertionError, so no strict xfail can take a harness
    that did not do its job for the lesson.
    """
    if not condition:
        pytest.fail(f"harness precondition not met: {precondition}", pytrace=False)
