"""How ``shop/settings.py`` reads the environment: environs, plus the shapes api.md defines.

environs reads each variable when the settings ask for it and refuses a malformed
one there and then, naming it: ``Environment variable "DJANGO_DEBUG" invalid: Not a
valid boolean.`` A misspelt boolean is malformed, never false (``DJANGO_DEBUG=ture``
must not start the shop in production mode); so is an empty one.

The parsers below are the formats api.md gives that no library reads as written:
``EMAIL_URL``'s schemes (``smtps://`` is implicit TLS, ``console:``, ``locmem:``),
``CACHE_URL`` limited to the two caches the shop supports, DRF's rate strings, and
seconds that may be ``none``. Each is registered with environs, so a bad value is
refused the same way, naming its variable.
"""

import re
from email.utils import formataddr, getaddresses
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
import django
import marshmallow
from django.core.exceptions import ImproperlyConfigured
from environs import Env, ValidationError

env = Env()  # eager: the first malformed variable stops the process


@env.parser_for("seconds")
def seconds(value: str) -> int | None:
    """Whole seconds; ``none`` (or ``unlimited``) means no limit."""
    word = value.strip().lower()
    if word in {"none", "unlimited"}:
        return None
    if not word.isdigit():
        raise ValidationError(f"whole seconds or 'none', got {value!r}.")
    return int(word)


# What DRF's parse_rate takes: "<requests>/<period>", the period read by its first letter.
RATE = re.compile(r"\d+/[smhd]\w*")


@env.parser_for("rate")
def rate(value: str) -> str:
    """A DRF throttle rate (``100/min``); DRF itself would refuse it only mid-request, as a 500."""
    if not RATE.fullmatch(value.strip()):
        raise ValidationError(f"a rate such as 100/min (per s, min, hour or day), got {value!r}.")
    return value.strip()


@env.parser_for("cache")
def cache_from_url(url: str) -> dict:
    """CACHE_URL: ``redis://…`` (Django's own Redis cache), or local memory when empty.

    Local memory counts throttles per process: with several workers each one throttles
    on its own (``check --deploy`` warns). Redis shares the counters.
    """
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url in {"", "locmem://"}:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ValidationError(f"redis://… or locmem://, got {url!r}.")


EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


@env.parser_for("email")
def email_from_url(url: str) -> dict:
    """EMAIL_URL as Django's EMAIL_* settings; ``{}`` when it is empty.

    ``smtp://user:password@host:587/?tls=true`` (STARTTLS), ``smtps://…`` (implicit
    TLS, port 465 unless given), ``console:``, ``file:///path``, ``locmem:``; the user
    and password percent-encoded. dj-email-url reads ``smtps`` as STARTTLS, drops the
    file path's leading slash and gives ``locmem:`` no backend, hence this parser.
    """
    if not url:
        return {}
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_BACKENDS:
        raise ValidationError(
            f"smtp://…, smtps://…, console:, file:///path or locmem:, got {parts.scheme!r}."
        )
    settings = {"EMAIL_BACKEND": EMAIL_BACKENDS[parts.scheme]}
    if parts.scheme == "file":
        if not parts.path:
            raise ValidationError("file:///path needs the directory to write to.")
        settings["EMAIL_FILE_PATH"] = unquote(parts.path)
    if parts.scheme in {"smtp", "smtps"}:
        try:
            port = parts.port
        except ValueError:
            raise ValidationError(f"the port must be a number, got {parts.netloc!r}.") from None
        if not parts.hostname:
            raise ValidationError(f"{parts.scheme}:// needs a host, as in smtp://relay:587/.")
        query = dict(parse_qsl(parts.query))
        unknown = set(query) - {"tls"}
        if unknown:
            raise ValidationError(f"unknown option {sorted(unknown)[0]!r}: only ?tls=true.")
        try:
            starttls = marshmallow.fields.Boolean().deserialize(query.get("tls", "false"))
        except marshmallow.ValidationError:
            raise ValidationError(f"tls must be true or false, got {query['tls']!r}.") from None
        settings |= {
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if parts.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": starttls and parts.scheme == "smtp",
        }
    return settings


@env.parser_for("admins")
def admins(value: str) -> list:
    """``Name <a@b>, …``: who gets the error emails.

    Django 6 takes the addresses as strings and deprecates its older (name, address)
    pairs, which Django 5.2 still requires.
    """
    if not value.strip():
        return []
    people = getaddresses([value])
    if any("@" not in address for _, address in people):
        raise ValidationError(f"addresses such as 'Ops <ops@example.com>, …', got {value!r}.")
    if django.VERSION >= (6, 0):
        return [formataddr(person) for person in people]
    return people


@env.parser_for("database")
def database_from_url(
    url: str,
    *,
    conn_max_age: int | None = 600,
    conn_health_checks: bool = True,
    pool: bool = False,
    pool_max_size: int = 4,
) -> dict:
    """One database alias from a URL (dj-database-url), with the options the shop relies on."""
    try:
        config = dj_database_url.parse(
            url, conn_max_age=conn_max_age, conn_health_checks=conn_health_checks
        )
    except ValueError as error:
        raise ValidationError(f"not a database URL dj-database-url reads: {error}") from None
    if config["ENGINE"] == "django.db.backends.postgresql" and pool:
        config["CONN_MAX_AGE"] = 0  # Django refuses persistent connections beside a pool
        # CONN_HEALTH_CHECKS becomes the pool's check of a connection before it lends it.
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": pool_max_size, "timeout": 10},
        }
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock when a transaction starts, so concurrent
            # writers queue (up to `timeout` seconds) instead of failing mid-transaction
            # with "database is locked". WAL lets readers run while one writer writes.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


def secret_key(value: str, *, debug: bool) -> str:
    """The signing key for sessions, tokens and links; refuse a weak one in production.

    The same bar as Django's deploy check (security.W009): at least 50 characters,
    at least 5 different ones, and not a generated dev key.
    """
    if debug:
        return value or DEV_SECRET_KEY
    if not value:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off: "
            "export DJANGO_SECRET_KEY=<a long random string>, or DJANGO_DEBUG=true for local work."
        )
    if len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is too weak for DJANGO_DEBUG off: it needs 50 or more characters, "
            "5 or more of them different, and no 'django-insecure' prefix. Generate one with: "
            "python -c 'from django.core.management.utils import get_random_secret_key; "
            "print(get_random_secret_key())'"
        )
    return value


DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"
