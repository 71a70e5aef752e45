"""Fixtures for the order tests: the customer, a stranger, and staff.

Imports from Django live inside the fixtures: pytest loads this file before the
root conftest has configured the settings.
"""

import pytest


@pytest.fixture
def customer_client(client_for, user):
    return client_for(user)


@pytest.fixture
def stranger(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)
