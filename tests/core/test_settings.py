"""Settings come from the environment (api.md, "Settings, all from the environment").

Settings are read once per process, so the environment is checked in fresh
``python -c`` processes; each costs about half a second, so there are few. The
parsers ``shop/environment.py`` adds to environs are checked in process.
"""

import json

import django
import pytest
from environs import EnvError

from servers import ROOT
from servers.shop import run_python
from shop.environment import cache_from_url, database_from_url, email_from_url, env

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
    "EMAIL": {name: getattr(settings, name) for name in dir(settings) if name.startswith("EMAIL_")},
    "SENDERS": [settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL, settings.ADMINS],
    "LINKS": [settings.EMAIL_VERIFICATION_URL, settings.PASSWORD_RESET_URL],
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
        DATABASE_CONN_MAX_AGE="none",
        DATABASE_CONN_HEALTH_CHECKS="false",
        CACHE_URL="redis://localhost:6379/0",
        EMAIL_URL="smtp://mailer%40shop.example.com:p%40ss%2Fword@smtp.example.com:587/?tls=true",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",  # EMAIL_URL wins
        DEFAULT_FROM_EMAIL="Shop <shop@shop.example.com>",
        SERVER_EMAIL="errors@shop.example.com",
        ADMINS="Ops Team <ops@shop.example.com>, dev@shop.example.com",
        EMAIL_VERIFICATION_URL="https://shop.example.com/verify/?uid={uid}&token={token}",
        PASSWORD_RESET_URL="https://shop.example.com/reset/?uid={uid}&token={token}",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_the_ones_api_md_lists():
    names = (
        "THROTTLE_RATE_ANON THROTTLE_RATE_USER THROTTLE_RATE_LOGIN THROTTLE_RATE_REGISTER "
        "NUM_PROXIES DATABASE_URL "
        "CACHE_URL DATABASE_CONN_MAX_AGE DATABASE_CONN_HEALTH_CHECKS DATABASE_POOL "
        "EMAIL_URL EMAIL_BACKEND EMAIL_FILE_PATH DEFAULT_FROM_EMAIL SERVER_EMAIL ADMINS "
        "EMAIL_VERIFICATION_URL PASSWORD_RESET_URL"
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
    assert defaults["EMAIL"]["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert defaults["SENDERS"] == ["shop@localhost", "root@localhost", []]
    assert defaults["LINKS"] == [
        "http://localhost:8000/verify-email/?uid={uid}&token={token}",
        "http://localhost:8000/reset-password/?uid={uid}&token={token}",
    ]


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


def test_the_connection_settings_are_read_from_the_environment(settings_from_env):
    database = settings_from_env["DATABASE"]

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (None, False)


def test_email_url_becomes_djangos_email_settings_and_wins_over_email_backend(settings_from_env):
    email = settings_from_env["EMAIL"]

    assert email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (email["EMAIL_HOST"], email["EMAIL_PORT"]) == ("smtp.example.com", 587)
    assert (email["EMAIL_HOST_USER"], email["EMAIL_HOST_PASSWORD"]) == (
        "mailer@shop.example.com",
        "p@ss/word",
    ), "the user and password are percent-decoded"
    assert (email["EMAIL_USE_TLS"], email["EMAIL_USE_SSL"]) == (True, False)


def test_the_senders_and_the_admins_are_read_from_the_environment(settings_from_env):
    admins = (
        [["Ops Team", "ops@shop.example.com"], ["", "dev@shop.example.com"]]
        if django.VERSION < (6, 0)
        else ["Ops Team <ops@shop.example.com>", "dev@shop.example.com"]
    )
    assert settings_from_env["SENDERS"] == [
        "Shop <shop@shop.example.com>",
        "errors@shop.example.com",
        admins,
    ]


def test_the_links_put_in_emails_are_read_from_the_environment(settings_from_env):
    assert settings_from_env["LINKS"] == [
        "https://shop.example.com/verify/?uid={uid}&token={token}",
        "https://shop.example.com/reset/?uid={uid}&token={token}",
    ]


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
def test_an_invalid_cache_url_fails_clearly(monkeypatch, url):
    monkeypatch.setenv("CACHE_URL", url)

    with pytest.raises(EnvError, match='"CACHE_URL" invalid') as caught:
        env.cache("CACHE_URL")

    assert repr(url) in str(caught.value), "the message must show the value it refused"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtps://shop:secret@smtp.example.com",
            {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False},
        ),
        ("smtp://smtp.example.com", {"EMAIL_PORT": 25, "EMAIL_USE_SSL": False}),
        ("console:", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        ("locmem:", {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}),
        ("file:///var/mail/shop", {"EMAIL_FILE_PATH": "/var/mail/shop"}),
    ],
    ids=["smtps-is-implicit-tls", "smtp-plain", "console", "locmem", "file"],
)
def test_each_email_url_form_in_api_md(url, expected):
    settings = email_from_url(url)

    assert {name: settings[name] for name in expected} == expected


@pytest.mark.parametrize(
    "url",
    [
        "smtp://smtp.example.com:587/?tls=ture",
        "smtp://smtp.example.com:port/",
        "smtp:///",
        "sendmail://localhost",
        "smtp://smtp.example.com/?ssl=true",
    ],
    ids=["misspelt-tls", "bad-port", "no-host", "unknown-scheme", "unknown-option"],
)
def test_a_malformed_email_url_fails_naming_the_variable(monkeypatch, url):
    monkeypatch.setenv("EMAIL_URL", url)

    with pytest.raises(EnvError, match='"EMAIL_URL" invalid'):
        env.email("EMAIL_URL")


@pytest.mark.parametrize(
    ("parser", "value"),
    [("rate", "100/fortnight"), ("rate", "lots"), ("seconds", "ten minutes"), ("admins", "ops")],
)
def test_a_malformed_value_fails_naming_the_variable(monkeypatch, parser, value):
    monkeypatch.setenv("SOME_SETTING", value)

    with pytest.raises(EnvError, match='"SOME_SETTING" invalid'):
        getattr(env, parser)("SOME_SETTING")


# --- Database connections -------------------------------------------------------------------

PG_URL = "postgres://shop@%2Ftmp%2Fpg/shop"


def test_postgres_connections_persist_and_are_checked_before_reuse_by_default():
    database = database_from_url(PG_URL)

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (600, True)
    assert "pool" not in database.get("OPTIONS", {})


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("30", 30), ("none", None)])
def test_the_connection_age_is_seconds_or_none(monkeypatch, value, expected):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", value)

    assert env.seconds("DATABASE_CONN_MAX_AGE") == expected


def test_database_pool_selects_psycopgs_pool_without_persistent_connections():
    database = database_from_url(PG_URL + "?sslmode=disable", pool=True, pool_max_size=8)

    assert database["CONN_MAX_AGE"] == 0, "Django refuses CONN_MAX_AGE beside a pool"
    assert database["OPTIONS"]["pool"]["max_size"] == 8
    assert database["OPTIONS"]["sslmode"] == "disable", "the URL's own options were dropped"
    assert database["CONN_HEALTH_CHECKS"] is True, "the pool checks connections before lending"


def test_a_misspelt_yes_or_no_fails_start_up_naming_the_variable():
    """Read as "no", DJANGO_DEBUG=ture would quietly start in production mode."""
    result = run_python("import django; django.setup()", DJANGO_DEBUG="ture")

    assert result.returncode != 0, "a misspelt DJANGO_DEBUG was read as a yes or a no"
    assert 'Environment variable "DJANGO_DEBUG" invalid: Not a valid boolean.' in result.stderr


def test_a_malformed_throttle_rate_fails_start_up_naming_the_variable():
    """DRF reads a rate only when it throttles a request: "100/week" was a 500 per request."""
    result = run_python("import django; django.setup()", THROTTLE_RATE_USER="100/week")

    assert result.returncode != 0, "a malformed rate was accepted at start-up"
    assert 'Environment variable "THROTTLE_RATE_USER" invalid' in result.stderr


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
