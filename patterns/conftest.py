"""Fixtures every pattern test shares (the root conftest.py holds the harness)."""

import pytest


@pytest.fixture(autouse=True)
def _crashes_are_seen():
    """Let ``CheckedClient`` see the exception behind every response (patterns/crashes.py).

    Not through the test's ``monkeypatch``: a test may undo its own patches midway.
    """
    from patterns.crashes import crashes_recorded  # after Django's settings are configured

    with crashes_recorded():
        yield
