"""With debug off the shop runs as production must: HTTPS only, a real secret, errors logged.

Settings are read once per process, so each case runs in a fresh process with
the environment a production host would have (``servers.shop.run_python``).
"""

import subprocess

import pytest

from servers.shop import run_python

STRONG_KEY = "production-like-" + "0123456789abcdefghijklmnopqrstuvwxyz"
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_SECURE_SSL_REDIRECT": None,  # the default, as on a production host
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "sqlite://",
    # What the deploy checks ask of a real deployment (api.md): mail to a relay, links
    # to the public site, a broker and a shared cache (none is reached by these tests).
    "EMAIL_URL": "smtp://shop%40example.com:password@smtp.example.com:587/?tls=true",
    "EMAIL_BACKEND": None,
    "EMAIL_VERIFICATION_URL": "https://shop.example.com/verify-email/?uid={uid}&token={token}",
    "PASSWORD_RESET_URL": "https://shop.example.com/reset-password/?uid={uid}&token={token}",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/1",
    "CACHE_URL": "redis://redis.example.com:6379/0",
}


def manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    code = (
        "from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])"
    )
    return run_python(code, **{**PRODUCTION, **env})


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> str:
    """A STATIC_ROOT that ``collectstatic`` filled, as every deploy does."""
    root = str(tmp_path_factory.mktemp("staticfiles"))
    result = manage("collectstatic", "--noinput", "--verbosity", "0", DJANGO_STATIC_ROOT=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.mark.parametrize("redirect", [None, "false"], ids=["default", "redirect-off-by-choice"])
def test_the_deploy_checks_report_nothing(static_root, redirect):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECURE_SSL_REDIRECT=redirect,
        DJANGO_STATIC_ROOT=static_root,
    )

    assert result.returncode == 0, f"manage.py check --deploy:\n{result.stdout}{result.stderr}"
    assert "no issues" in result.stdout


REQUEST_OVER_HTTP = """
from django.test import Client
response = Client(HTTP_HOST="shop.example.com").get("/api/health/")
print(response.status_code, response.get("Location"))
response = Client(HTTP_HOST="shop.example.com").get("/api/health/", secure=True)
print(response.status_code, response.get("Strict-Transport-Security"))
"""


def test_plain_http_is_redirected_to_https_and_https_answers_with_hsts():
    result = run_python("import django; django.setup()\n" + REQUEST_OVER_HTTP, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    plain, secure = result.stdout.splitlines()[-2:]
    assert plain == "301 https://shop.example.com/api/health/"
    assert secure == "200 max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize(
    "key",
    [
        "short-but-set",
        "x" * 60,
        "django-insecure-dev-only-key-never-use-in-production",
        "django-insecure-" + "0123456789abcdefghijklmnopqrstuvwxyz0123456789",
    ],
    ids=["short", "one-character", "the-dev-key", "insecure-prefix"],
)
def test_a_weak_secret_key_refuses_to_start_with_debug_off(key):
    result = run_python("import django; django.setup()", **{**PRODUCTION, "DJANGO_SECRET_KEY": key})

    assert result.returncode != 0, f"the shop started with DJANGO_SECRET_KEY={key!r} and debug off"
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr


CRASH = """
import django
django.setup()
from django.test import Client
from django.urls import path
import shop.urls

def crash(request):
    raise RuntimeError("a bug nobody saw coming")

shop.urls.urlpatterns.append(path("api/crash/", crash))
print(Client(HTTP_HOST="shop.example.com", raise_request_exception=False).get("/api/crash/", secure=True).status_code)
"""


def test_a_500_is_logged_with_its_traceback_when_debug_is_off():
    result = run_python(CRASH, **PRODUCTION)

    assert result.stdout.strip() == "500", result.stderr
    assert "ERROR django.request: Internal Server Error: /api/crash/" in result.stderr, (
        f"a 500 with debug off left no log line; stderr was:\n{result.stderr}"
    )
    assert "Traceback" in result.stderr
    assert "RuntimeError: a bug nobody saw coming" in result.stderr
