"""Settings for the shop, every one read from the environment (see api.md).

Grouped by concern; each non-obvious choice says why beside it.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from shop.core.flags import accepted_words, parse_flag

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    parsed = parse_flag(value)
    if parsed is None:
        raise ImproperlyConfigured(f"{name} must be one of {accepted_words()}, got {value!r}.")
    return parsed


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core ---------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG")

DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"


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


SECRET_KEY = secret_key(os.environ.get("DJANGO_SECRET_KEY", ""), debug=DEBUG)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # Revocable refresh tokens: rotation, logout. `manage.py
    # flushexpiredtokens` (daily, from cron or beat) keeps its tables small.
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "axes",  # the admin login's failure limit
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from /static/ (no CDN)
    # The shop: its shared foundations (core), the outbox, one app per domain.
    # Dependencies point one way; see pyproject's import-linter contracts.
    "shop.core",
    "shop.outbox",
    "shop.users",
    "shop.products",
    "shop.carts",
    "shop.checkouts",
    "shop.orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # /static/, before anything else reads the request
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # answers a locked-out admin login with 429
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- HTTPS and cookies (what `manage.py check --deploy` asks for) ---------------------

# Off for a plain-HTTP local run, or behind a proxy that redirects to HTTPS itself;
# the deploy check's warning about it is then silenced: the operator said so.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if not SECURE_SSL_REDIRECT:
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
if not DEBUG:
    # Browsers remember HSTS for a year and for every subdomain; preload asks them to
    # know it before the first visit. Leaving the preload list takes months: set
    # these only on a domain that will serve HTTPS for good.
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# How many proxies in front of us append to X-Forwarded-For (DRF's throttles and the
# admin's login limit read it). 0 ignores the header: DRF's own default (None) trusts
# it whole, so a client rotating it escapes limits. The proxies counted here
# terminate TLS and say so in X-Forwarded-Proto; with none, nobody may claim HTTPS.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
if NUM_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Static files (WhiteNoise) ------------------------------------------------------

# The admin's and Swagger UI's files, served by the shop itself with debug off:
# `python manage.py collectstatic --noinput` copies them to STATIC_ROOT, and
# WhiteNoise serves them from there under gunicorn, compressed (gzip), with
# content-hashed names cached for a year. No web server or CDN needed in front.
STATIC_URL = "static/"
# Where collectstatic puts them: staticfiles/ (git-ignored) unless DJANGO_STATIC_ROOT says.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Database connections ----------------------------------------------------------


def env_seconds(name: str, default: int | None) -> int | None:
    """Whole seconds from the environment; ``none`` (or ``unlimited``) means no limit."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"none", "unlimited"}:
        return None
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be whole seconds or 'none', got {value!r}."
        ) from None


def database_connection_settings() -> dict:
    """Persistent connections, checked before each request reuses them.

    Opening a PostgreSQL connection (a new server process, authentication) costs
    more than a whole checkout's queries; by default Django pays it on every
    request (CONN_MAX_AGE 0). A connection is kept for DATABASE_CONN_MAX_AGE
    seconds (``none``: for the process's lifetime, ``0``: closed after each request),
    and with DATABASE_CONN_HEALTH_CHECKS on, Django pings it (``SELECT 1``) before
    the first query of each request, so a connection the server dropped (a restart,
    a failover) is replaced instead of failing that request.
    """
    return {
        "conn_max_age": env_seconds("DATABASE_CONN_MAX_AGE", 600),
        "conn_health_checks": env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    }


def database_pool_options() -> dict:
    """DATABASE_POOL=true: psycopg 3's pool per process instead (the ``pool`` extra).

    Not the default: a sync worker serves one request at a time and needs exactly
    one connection, which CONN_MAX_AGE keeps with nothing to install; side by side
    (``nox -s bench -- checkout``) the pool was no faster for sync workers, within
    the noise. A pool pays off with many threads per process (GUNICORN_THREADS):
    DATABASE_POOL_MAX_SIZE caps the connections they share, where CONN_MAX_AGE keeps
    one per thread.
    """
    # CONN_HEALTH_CHECKS becomes the pool's check of a connection before it lends it.
    size = int(os.environ.get("DATABASE_POOL_MAX_SIZE", "4"))
    return {"min_size": 1, "max_size": size, "timeout": 10}


# --- Database -----------------------------------------------------------------


def database_from_url(url: str) -> dict:
    """One database alias from a URL, with the SQLite settings the shop relies on."""
    config = dj_database_url.parse(url, **database_connection_settings())
    if config["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_POOL"):
        config["CONN_MAX_AGE"] = 0  # Django refuses persistent connections beside a pool
        config["OPTIONS"] = {**config.get("OPTIONS", {}), "pool": database_pool_options()}
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


DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    )
}

# --- Cache (throttle counters live here) ------------------------------------------


def cache_from_url(url: str) -> dict:
    # LocMemCache counts per process: with several workers each one throttles on its
    # own. Point CACHE_URL at Redis in production so the limits are shared.
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url in {"", "locmem://"}:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"CACHE_URL must be redis://… or locmem://, got {url!r}.")


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}

# --- Users and authentication ------------------------------------------------------

AUTH_USER_MODEL = "users.User"

# authenticate() is what the admin's login calls (the API's login checks passwords in
# shop.users.services): axes counts its failures first, then Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The admin login answered unlimited password guesses while the API's was throttled:
# 5 failures from one address lock it out for 15 minutes (429), the address read as
# the throttles read it, so X-Forwarded-For counts only behind NUM_PROXIES proxies.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "shop.users.throttles.client_address"
AXES_RESET_ON_SUCCESS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

EMAIL_VERIFICATION_URL = os.environ.get(
    "EMAIL_VERIFICATION_URL", "http://localhost:8000/verify-email/?uid={uid}&token={token}"
)
EMAIL_VERIFICATION_TIMEOUT = 3 * 24 * 3600  # seconds a verification link stays valid
EMAIL_VERIFICATION_RESEND_INTERVAL = 5 * 60  # seconds between two emails to one address

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    # The default since simplejwt 5.4, written out because the shop depends on it:
    # inactive users get no token, no refresh and no access.
    "CHECK_USER_IS_ACTIVE": True,
    "UPDATE_LAST_LOGIN": False,
    # A refresh token works once: each refresh revokes it and answers a new pair, so a
    # stolen one is good until its owner's next refresh, not for REFRESH_TOKEN_LIFETIME.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    # Tokens carry a hash of the password hash: a password change revokes them all.
    # simplejwt checks it for access tokens; our refresh serializer checks it too.
    "CHECK_REVOKE_TOKEN": True,
}

# --- Email --------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if "EMAIL_FILE_PATH" in os.environ:
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shop@localhost")
# Seconds an SMTP connection may hang (Django's default: for ever). An email is sent by a
# task holding its outbox row's lock: a mail server that stops answering must fail it,
# to be retried, within the broker's visibility timeout.
EMAIL_TIMEOUT = 30

# --- Notifications to other systems ------------------------------------------------------

# Who hears about placed orders: a dotted path to notify(*, message_id, topic, payload),
# called by the outbox's delivery at least once per order (dedupe by message_id).
ORDER_NOTIFIER = os.environ.get("ORDER_NOTIFIER", "shop.orders.notifications.log_notification")

# --- Background tasks: Celery -----------------------------------------------------------
# shop/celery.py reads every CELERY_* name here. The outbox stays the source of truth:
# a task only delivers a message that committed, and the sweep on the beat schedule
# delivers whatever a lost or exhausted task left behind.

# Unset: one machine. A task runs in the process that queues it, at once; the shop queues
# only after the COMMIT, so the email leaves right after it, from the web process. Its
# retries then wait for `manage.py deliver_outbox` (cron), never for the request.
# redis://…: tasks go to `celery -A shop worker` processes, on any number of machines.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Without a broker a task is a function call: its error raises where it was called (the
# shop calls tasks only from robust after-commit hooks, where Django logs it).
CELERY_TASK_EAGER_PROPAGATES = True
# Acknowledge a task when it has finished, not when it starts: a worker killed mid-task
# (deploy, OOM killer, a lost machine) leaves the message to be delivered again...
CELERY_TASK_ACKS_LATE = True
# ...also when only the pool process running it died (otherwise it is acknowledged as
# failed, with WorkerLostError, and gone).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One task at a time per process: a long task never holds others hostage in its prefetch.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis redelivers a task nobody acknowledged within this many seconds: a dead
    # worker's. Longer than any task runs, or waits for a retry (the retry schedule beside
    # MAX_RETRY_DELAY in shop/outbox/delivery.py), or a live worker's task is run twice.
    # The outbox sweep recovers sooner.
    "visibility_timeout": 600,
    # A web process waiting on a broker that is gone: a few seconds, then the checkout
    # answers anyway (the sweep delivers its messages later).
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # no result backend: the outbox row is the record
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # logging is configured below, by Django
CELERY_BEAT_SCHEDULE = {
    # The sweep: delivers what no task did (a broker down at commit, a worker lost, a
    # task out of retries). Safe with many workers: each skips rows another holds. A
    # sweep not started within its interval is dropped, so a backlog never piles up.
    "deliver-outbox": {
        "task": "shop.outbox.tasks.deliver_outbox",
        "schedule": 10.0,
        "options": {"expires": 10.0},
    },
}

# --- REST framework --------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["shop.core.parsers.NestingSafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "shop.core.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shop.core.exception_handler.exception_handler",
    # Pattern 04: staff are never throttled; everyone else is.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "shop.users.throttles.AdminExemptUserRateThrottle",
    ],
    # DRF reads these once, at import (encode/django-rest-framework#6030).
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_RATE_ANON", "100/min"),
        "user": os.environ.get("THROTTLE_RATE_USER", "1000/min"),
        "login": os.environ.get("THROTTLE_RATE_LOGIN", "1000/day"),
    },
    "NUM_PROXIES": NUM_PROXIES,  # see above
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shop API",
    "DESCRIPTION": "The working shop behind the ten Django REST API production patterns.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are public and the same for everyone: a stale token must
    # not turn them into a 401 (which would not even be JSON there).
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from drf-spectacular-sidecar, served from /static/: the
    # default loads them from a CDN, which leaves /api/docs/ blank with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "shop": {"handlers": ["console"], "level": "INFO"},
        # Django's default sends these to the console only with DEBUG on (and by mail to
        # ADMINS otherwise): in production a 500 left no line at all. The formatter
        # appends the traceback that django.request passes along.
        "django": {"handlers": ["console"], "level": "WARNING"},
        "axes": {"handlers": ["console"], "level": "WARNING"},  # admin lockouts
    },
}
