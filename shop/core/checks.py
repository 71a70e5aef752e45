"""What ``manage.py check --deploy`` adds to Django's own checks (api.md, "deploy checks").

Each is an operator's mistake that a running shop shows only later, to a customer:

- ``shop.E001`` static files not collected: ``/admin/`` and ``/api/docs/`` answer 500
  while ``/api/health/`` says ok;
- ``shop.E002`` mail written to a console or a file, ``shop.E003`` mail handed to an
  SMTP server on this machine: the verification links never arrive;
- ``shop.E004`` a link setting pointing at localhost: they arrive, and lead nowhere;
- ``shop.W001`` no broker: the web process sends mail while the customer waits, and no
  beat runs the daily maintenance;
- ``shop.W002`` a local-memory cache: each worker process counts throttles on its own.

Registered by ``CoreConfig.ready()``; deploy checks only, so ``runserver`` and the
test suite, which mean to run with none of that, say nothing.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.checks import Error, Tags, Warning, register

MAIL_URL_HINT = (
    "Set EMAIL_URL to your mail relay: smtp://user:password@relay.example.com:587/?tls=true"
)
UNDELIVERED_MAIL = {
    "django.core.mail.backends.console.EmailBackend": "printed on the console",
    "django.core.mail.backends.filebased.EmailBackend": "written to files",
}
# The settings whose links go out in emails (the {uid} and {token} filled in).
LINK_SETTINGS = ["EMAIL_VERIFICATION_URL", "PASSWORD_RESET_URL"]
# What collectstatic leaves out by default (its --ignore patterns).
COLLECTSTATIC_IGNORES = ["CVS", ".*", "*~"]


@register(Tags.staticfiles, deploy=True)
def check_static_files_collected(app_configs, **kwargs) -> list:
    missing = uncollected_static_files()
    if not missing:
        return []
    return [
        Error(
            f"{len(missing)} static files are not collected in STATIC_ROOT "
            f"({settings.STATIC_ROOT}), {missing[0]} among them: with debug off, the pages "
            "that use them (/admin/, /api/docs/) answer 500.",
            hint="Run python manage.py collectstatic --noinput, on every deploy.",
            id="shop.E001",
        )
    ]


def uncollected_static_files() -> list[str]:
    """Each file the finders know that STATIC_ROOT lacks (or, hashed, its manifest)."""
    # ManifestStaticFilesStorage and WhiteNoise's serve by the manifest's hashed names.
    manifest = getattr(staticfiles_storage, "hashed_files", None)
    return sorted(
        path
        for finder in get_finders()
        for path, _ in finder.list(COLLECTSTATIC_IGNORES)
        if not (path in manifest if manifest is not None else staticfiles_storage.exists(path))
    )


@register(deploy=True)
def check_mail_is_delivered(app_configs, **kwargs) -> list:
    where = UNDELIVERED_MAIL.get(settings.EMAIL_BACKEND)
    if where:
        return [
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: customers' emails (verification "
                f"links, order confirmations) would be {where}, never delivered.",
                hint=MAIL_URL_HINT,
                id="shop.E002",
            )
        ]
    smtp = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    if smtp and is_local(settings.EMAIL_HOST):
        return [
            Error(
                f"Mail goes to an SMTP server on this machine (EMAIL_HOST={settings.EMAIL_HOST}), "
                "which Django's default sets and production rarely has.",
                hint=MAIL_URL_HINT,
                id="shop.E003",
            )
        ]
    return []


@register(deploy=True)
def check_links_leave_this_machine(app_configs, **kwargs) -> list:
    return [
        Error(
            f"{name} points at {urlsplit(link).hostname or 'no host'}: the links in "
            "customers' emails would lead nowhere.",
            hint=f"Set {name} to the public page, as in "
            f"https://shop.example.com{urlsplit(link).path or '/'}?uid={{uid}}&token={{token}}",
            id="shop.E004",
        )
        for name in LINK_SETTINGS
        if (link := getattr(settings, name, None)) is not None
        and is_local(urlsplit(link).hostname or "localhost")
    ]


@register(deploy=True)
def check_tasks_have_a_broker(app_configs, **kwargs) -> list:
    if settings.CELERY_BROKER_URL:
        return []
    return [
        Warning(
            "CELERY_BROKER_URL is not set: the web process sends each email itself, after "
            "the commit, while the customer waits; and no beat runs the outbox sweep or the "
            "daily maintenance.",
            hint="Set CELERY_BROKER_URL=redis://…/1 and run celery -A shop worker and one "
            "celery -A shop beat; or, on one machine by choice, run manage.py deliver_outbox, "
            "flushexpiredtokens, purge_unverified and remove_empty_carts from cron.",
            id="shop.W001",
        )
    ]


@register(Tags.caches, deploy=True)
def check_cache_is_shared(app_configs, **kwargs) -> list:
    if settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache":
        return []
    return [
        Warning(
            "The cache is local memory (no CACHE_URL): each worker process counts throttles "
            "on its own, so N workers allow N times each rate.",
            hint="Set CACHE_URL=redis://…/0, shared by every worker.",
            id="shop.W002",
        )
    ]


def is_local(host: str) -> bool:
    """Whether ``host`` names this machine: localhost, a loopback or unspecified address."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
