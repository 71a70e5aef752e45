"""Fixtures every pattern test shares (the root conftest.py holds the shared ones)."""

import pytest

from patterns.crashes import crashes_recorded


@pytest.fixture(autouse=True)
def _crashes_are_seen():
    """Let ``CheckedClient`` see the exception behind every response (patterns/crashes.py).

    Not through the test's ``monkeypatch``: a test may undo its own patches midway.
    """
    with crashes_recorded():
        yield
