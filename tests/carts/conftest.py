"""Fixtures for the cart tests: the customer, a stranger, and the customer's cart.

Imports from Django live inside the fixtures: pytest loads this file before the
root conftest has configured the settings.
"""

import pytest


@pytest.fixture
def customer_client(client_for, user):
    return client_for(user)


@pytest.fixture
def stranger(db):
    """Another verified customer, who must never see the first one's carts."""
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def stranger_client(client_for, stranger):
    return client_for(stranger)


@pytest.fixture
def cart(user):
    """The customer's cart, empty."""
    from tests.factories import CartFactory

    return CartFactory(user=user)
