"""Settings come from the environment (api.md, "Settings, all from the environment").

Settings are read once per process, so the environment is checked in fresh
``python -c`` processes; each costs about half a second, so there are two.
"""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from servers import ROOT
from servers.shop import run_python
from shop.settings import cache_from_url, database_from_url

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "NUM_PROXIES": settings.REST_FRAMEWORK["NUM_PROXIES"],
    "DATABASE": settings.DATABASES["default"],
    "CACHE": settings.CACHES["default"],
}))
"""


@pytest.fixture(scope="module")
def settings_from_env() -> dict:
    """The settings a process sees with every variable set, and no secret key in debug."""
    result = run_python(
        PRINT_SETTINGS,
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY=None,
        THROTTLE_RATE_ANON="7/min",
        THROTTLE_RATE_USER="70/hour",
        THROTTLE_RATE_LOGIN="5/day",
        THROTTLE_RATE_REGISTER="3/hour",
        NUM_PROXIES="2",
        DATABASE_URL="sqlite:///x.db",
        CACHE_URL="redis://localhost:6379/0",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_the_ones_api_md_lists():
    names = (
        "THROTTLE_RATE_ANON THROTTLE_RATE_USER THROTTLE_RATE_LOGIN THROTTLE_RATE_REGISTER "
        "NUM_PROXIES DATABASE_URL "
        "CACHE_URL DATABASE_CONN_MAX_AGE DATABASE_CONN_HEALTH_CHECKS DATABASE_POOL"
    )
    unset = dict.fromkeys(names.split())
    result = run_python(PRINT_SETTINGS, DJANGO_DEBUG="true", **unset)
    assert result.returncode == 0, result.stderr
    defaults = json.loads(result.stdout)

    assert defaults["NUM_PROXIES"] == 0, (
        "X-Forwarded-For must be ignored unless proxies are declared"
    )
    assert defaults["THROTTLE_RATES"] == {
        "anon": "100/min",
        "user": "1000/min",
        "login": "1000/day",
        "register": "20/hour",
    }
    assert defaults["DATABASE"]["NAME"] == str(ROOT / "db.sqlite3")
    assert (defaults["DATABASE"]["CONN_MAX_AGE"], defaults["DATABASE"]["CONN_HEALTH_CHECKS"]) == (
        600,
        True,
    ), "connections must persist, checked before reuse, unless the environment says otherwise"
    assert defaults["CACHE"]["BACKEND"].endswith("LocMemCache")


def test_start_up_without_a_secret_key_fails_naming_it_when_debug_is_off():
    result = run_python("import django; django.setup()", DJANGO_DEBUG=None, DJANGO_SECRET_KEY=None)

    assert result.returncode != 0, "the shop started in production mode without a secret key"
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_mode_starts_without_a_secret_key_using_a_dev_key(settings_from_env):
    assert settings_from_env["DEBUG"] is True
    assert settings_from_env["SECRET_KEY"].startswith("django-insecure")


def test_throttle_rates_are_read_from_the_environment(settings_from_env):
    assert settings_from_env["THROTTLE_RATES"] == {
        "anon": "7/min",
        "user": "70/hour",
        "login": "5/day",
        "register": "3/hour",
    }


def test_num_proxies_is_read_from_the_environment(settings_from_env):
    assert settings_from_env["NUM_PROXIES"] == 2


def test_a_sqlite_database_url_gets_immediate_transactions_and_wal(settings_from_env):
    database = settings_from_env["DATABASE"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == "x.db"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_a_redis_cache_url_selects_djangos_redis_cache(settings_from_env):
    assert settings_from_env["CACHE"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://localhost:6379/0",
    }


# --- The parsing functions, in process ------------------------------------------------------


def test_a_postgres_url_with_a_percent_encoded_socket_directory_gets_that_host():
    database = database_from_url("postgres://postgres@%2Ftmp%2Fpg/shop")

    assert (database["ENGINE"], database["HOST"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "/tmp/pg",
        "shop",
    )
    assert "transaction_mode" not in database.get("OPTIONS", {}), "SQLite options leaked"


@pytest.mark.parametrize("url", ["", "locmem://"])
def test_no_cache_url_means_local_memory(url):
    assert cache_from_url(url)["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize("url", ["memcached://localhost:11211", "redis:/oops", "localhost:6379"])
def test_an_invalid_cache_url_fails_clearly(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL") as caught:
        cache_from_url(url)

    assert repr(url) in str(caught.value), "the message must show the value it refused"


# --- Database connections -------------------------------------------------------------------

PG_URL = "postgres://shop@%2Ftmp%2Fpg/shop"


@pytest.fixture
def connection_env(monkeypatch):
    """No connection variables set: each test sets the ones it is about."""
    for name in [
        "DATABASE_CONN_MAX_AGE",
        "DATABASE_CONN_HEALTH_CHECKS",
        "DATABASE_POOL",
        "DATABASE_POOL_MAX_SIZE",
    ]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_postgres_connections_persist_and_are_checked_before_reuse_by_default(connection_env):
    database = database_from_url(PG_URL)

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (600, True)
    assert "pool" not in database.get("OPTIONS", {})


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("30", 30), ("none", None)])
def test_the_connection_age_comes_from_the_environment(connection_env, value, expected):
    connection_env.setenv("DATABASE_CONN_MAX_AGE", value)
    connection_env.setenv("DATABASE_CONN_HEALTH_CHECKS", "false")

    database = database_from_url(PG_URL)

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (expected, False)


def test_a_connection_age_that_is_not_seconds_fails_clearly(connection_env):
    connection_env.setenv("DATABASE_CONN_MAX_AGE", "ten minutes")

    with pytest.raises(ImproperlyConfigured, match="DATABASE_CONN_MAX_AGE"):
        database_from_url(PG_URL)


def test_database_pool_selects_psycopgs_pool_without_persistent_connections(connection_env):
    connection_env.setenv("DATABASE_POOL", "true")
    connection_env.setenv("DATABASE_POOL_MAX_SIZE", "8")

    database = database_from_url(PG_URL + "?sslmode=disable")

    assert database["CONN_MAX_AGE"] == 0, "Django refuses CONN_MAX_AGE beside a pool"
    assert database["OPTIONS"]["pool"]["max_size"] == 8
    assert database["OPTIONS"]["sslmode"] == "disable", "the URL's own options were dropped"
    assert database["CONN_HEALTH_CHECKS"] is True, "the pool checks connections before lending"


def test_a_misspelt_yes_or_no_fails_start_up_naming_the_variable():
    """Read as "no", DJANGO_DEBUG=ture would quietly start in production mode."""
    result = run_python("import django; django.setup()", DJANGO_DEBUG="ture")

    assert result.returncode != 0, "a misspelt DJANGO_DEBUG was read as a yes or a no"
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_a_login_lasts_30_days_unless_the_environment_says_otherwise():
    from datetime import timedelta

    from django.conf import settings

    assert timedelta(days=30) == settings.REFRESH_TOKEN_SESSION_LIFETIME
    result = run_python(
        "from django.conf import settings; print(settings.REFRESH_TOKEN_SESSION_LIFETIME)",
        DJANGO_DEBUG="true",
        REFRESH_TOKEN_SESSION_LIFETIME="12h",
    )
    assert result.stdout.strip() == "12:00:00", result.stderr
