"""Settings for the shop, every one read from the environment (see api.md).

Grouped by concern; each non-obvious choice says why beside it. ``env`` is environs
(``shop/environment.py``): a malformed value stops the process there and then, with a
message naming the variable.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from shop.environment import env, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core ---------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", False)
SECRET_KEY = secret_key(env.str("DJANGO_SECRET_KEY", ""), debug=DEBUG)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"], subcast=str.strip
)

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
    "csp.middleware.CSPMiddleware",  # the Content-Security-Policy below
    "shop.core.middleware.NoStoreMiddleware",  # tokens and customers' data are never cached
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
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT else ["security.W008"]
# Browsers remember HSTS for a year and for every subdomain; preload asks them to
# know it before the first visit. Leaving the preload list takes months: on only with
# debug off, on a domain that will serve HTTPS for good.
SECURE_HSTS_SECONDS = 0 if DEBUG else 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Sessions are the admin's only (the API uses tokens): a staff login lasts a working day,
# not Django's two weeks.
SESSION_COOKIE_AGE = 8 * 3600
# The pages a browser renders, the admin and Swagger UI, load only the shop's own files
# (django-csp): an injected script or a stylesheet from elsewhere is refused. Swagger UI's
# page script is a file of its own (SpectacularSwaggerSplitView, shop/urls.py); its
# styles are partly inline, as React sets them, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# How many proxies in front of us append to X-Forwarded-For (DRF's throttles and the
# admin's login limit read it). 0 ignores the header: DRF's own default (None) trusts
# it whole, so a client rotating it escapes limits. The proxies counted here
# terminate TLS and say so in X-Forwarded-Proto; with none, nobody may claim HTTPS.
NUM_PROXIES = env.int("NUM_PROXIES", 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES else None

# --- Static files (WhiteNoise) ------------------------------------------------------

# The admin's and Swagger UI's files, served by the shop itself with debug off:
# `python manage.py collectstatic --noinput` copies them to STATIC_ROOT, and
# WhiteNoise serves them from there under gunicorn, compressed (gzip), with
# content-hashed names cached for a year. No web server or CDN needed in front.
STATIC_URL = "static/"
# Where collectstatic puts them: staticfiles/ (git-ignored) unless DJANGO_STATIC_ROOT says.
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Database ----------------------------------------------------------------------

DATABASES = {
    # Any URL dj-database-url reads; SQLite gets IMMEDIATE transactions and WAL
    # (shop/environment.py says why).
    "default": env.database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections, checked before each request reuses them. Opening a
        # PostgreSQL connection (a new server process, authentication) costs more than
        # a whole checkout's queries; by default Django pays it on every request
        # (CONN_MAX_AGE 0). A connection is kept this many seconds (``none``: for the
        # process's lifetime, ``0``: closed after each request)...
        conn_max_age=env.seconds("DATABASE_CONN_MAX_AGE", "600"),
        # ...and pinged (``SELECT 1``) before the first query of each request, so a
        # connection the server dropped (a restart, a failover) is replaced instead of
        # failing that request.
        conn_health_checks=env.bool("DATABASE_CONN_HEALTH_CHECKS", True),
        # psycopg 3's pool per process instead (the ``pool`` extra). Not the default: a
        # sync worker serves one request at a time and needs exactly one connection,
        # which CONN_MAX_AGE keeps with nothing to install; side by side (``nox -s bench
        # -- checkout``) the pool was no faster for sync workers, within the noise. A
        # pool pays off with many threads per process (GUNICORN_THREADS): its max size
        # caps the connections they share, where CONN_MAX_AGE keeps one per thread.
        pool=env.bool("DATABASE_POOL", False),
        pool_max_size=env.int("DATABASE_POOL_MAX_SIZE", 4),
    )
}

# --- Cache (throttle counters live here) ------------------------------------------

# Local memory counts per process: with several workers each one throttles on its
# own. Point CACHE_URL at Redis in production so the limits are shared.
CACHES = {"default": env.cache("CACHE_URL", "")}

# --- Users and authentication ------------------------------------------------------

AUTH_USER_MODEL = "users.User"

# The admin's login and the API's both go through authenticate(), so django-axes counts
# their failures together. The middle backend answers only the API's login (it alone
# passes caller_checks_is_active): the password first, then the caller tells an
# unverified owner to verify. Everyone else gets Django's ModelBackend, which refuses
# the inactive.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "shop.users.backends.PasswordFirstBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 5 failures lock out for 15 minutes (429) the address, read as the throttles read it
# (X-Forwarded-For counts only behind NUM_PROXIES proxies), and, from any addresses,
# the account: its address as the shop stores it, so "ANN@Example.com" counts against
# "ann@example.com".
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "shop.users.throttles.client_address"
AXES_USERNAME_CALLABLE = "shop.users.lockout.login_address"
# The 429 says when the lock ends (Retry-After), in the {"detail", "code"} of every error.
AXES_LOCKOUT_CALLABLE = "shop.users.lockout.lockout_response"
# Guesses during the lock are not counted, so its end stays where the 429 said it was.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success must not wipe the failures: axes deletes every attempt of the address too, so
# logging in to one's own account between guesses would reset a victim's count.
AXES_RESET_ON_SUCCESS = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

EMAIL_VERIFICATION_URL = env.str(
    "EMAIL_VERIFICATION_URL", "http://localhost:8000/verify-email/?uid={uid}&token={token}"
)
PASSWORD_RESET_URL = env.str(
    "PASSWORD_RESET_URL", "http://localhost:8000/reset-password/?uid={uid}&token={token}"
)
EMAIL_VERIFICATION_TIMEOUT = 3 * 24 * 3600  # seconds a verification link stays valid
EMAIL_VERIFICATION_RESEND_INTERVAL = 5 * 60  # seconds between two emails to one address
# Seconds a reset link works (Django's own setting, read by its token generator's check).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", 3600)
PASSWORD_RESET_RESEND_INTERVAL = 5 * 60  # seconds between two reset emails to one address

# A login's refresh token rotates on every refresh, each time for REFRESH_TOKEN_LIFETIME;
# without an end of its own a stolen one would live for ever. Every token of a login
# ends this long after the login, however often it rotated (RFC 9700, 4.14.2).
REFRESH_TOKEN_SESSION_LIFETIME = env.timedelta(
    "REFRESH_TOKEN_SESSION_LIFETIME", timedelta(days=30)
)  # 30d, 12h, or whole seconds

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

# EMAIL_URL says where mail goes, in one variable (api.md); EMAIL_BACKEND (and
# EMAIL_FILE_PATH) is the older way, kept: EMAIL_URL wins when both are set.
email_url = env.email("EMAIL_URL", "")
EMAIL_BACKEND = email_url.get("EMAIL_BACKEND") or env.str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = email_url.get("EMAIL_FILE_PATH") or env.str("EMAIL_FILE_PATH", None)
EMAIL_HOST = email_url.get("EMAIL_HOST", "localhost")
EMAIL_PORT = email_url.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = email_url.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = email_url.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = email_url.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = email_url.get("EMAIL_USE_SSL", False)
# The sender of customer mail; its domain also makes each email's Message-ID.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "shop@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", "root@localhost")  # the sender of error mail
ADMINS = env.admins("ADMINS", "")  # who gets error mail: "Name <a@b>, …"
# Seconds an SMTP connection may hang (Django's default: for ever). An email is sent by a
# task holding its outbox row's lock: a mail server that stops answering must fail it,
# to be retried, within the broker's visibility timeout.
EMAIL_TIMEOUT = 30

# --- Notifications to other systems ------------------------------------------------------

# Who hears about placed orders: a dotted path to notify(*, message_id, topic, payload),
# called by the outbox's delivery at least once per order (dedupe by message_id).
ORDER_NOTIFIER = env.str("ORDER_NOTIFIER", "shop.orders.notifications.log_notification")

# --- Background tasks: Celery -----------------------------------------------------------
# shop/celery.py reads every CELERY_* name here. The outbox stays the source of truth:
# a task only delivers a message that committed, and the sweep on the beat schedule
# delivers whatever a lost or exhausted task left behind.

# Unset: one machine. A task runs in the process that queues it, at once; the shop queues
# only after the COMMIT, so the email leaves right after it, from the web process. Its
# retries then wait for `manage.py deliver_outbox` (cron), never for the request.
# redis://…: tasks go to `celery -A shop worker` processes, on any number of machines.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "")
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
    # Daily maintenance, at quiet hours (UTC), each also a manage.py command for cron: the
    # revocation records of expired refresh tokens, accounts never verified, carts left
    # empty. A run missed (beat down at the time) waits for the next day: none is urgent.
    "flush-expired-tokens": {
        "task": "shop.users.tasks.flush_expired_tokens",
        "schedule": crontab(hour=3, minute=0),
    },
    "purge-unverified": {
        "task": "shop.users.tasks.purge_unverified",
        "schedule": crontab(hour=3, minute=10),
    },
    "remove-empty-carts": {
        "task": "shop.carts.tasks.remove_empty_carts",
        "schedule": crontab(hour=3, minute=20),
    },
}

# --- REST framework --------------------------------------------------------------------

REST_FRAMEWORK = {
    # Access tokens are checked against their login too: one reused refresh token ends them all.
    "DEFAULT_AUTHENTICATION_CLASSES": ["shop.users.authentication.LoginJWTAuthentication"],
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
        "anon": env.rate("THROTTLE_RATE_ANON", "100/min"),
        "user": env.rate("THROTTLE_RATE_USER", "1000/min"),
        "login": env.rate("THROTTLE_RATE_LOGIN", "1000/day"),
        # Registrations, resends and reset requests each send an email: a budget of their
        # own per client address, so nobody fills a stranger's mailbox from one machine.
        "register": env.rate("THROTTLE_RATE_REGISTER", "20/hour"),
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
