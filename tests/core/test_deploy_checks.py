"""``check --deploy`` catches each operator mistake of issue 21, naming the fix (api.md).

In process, one setting wrong at a time; ``tests/security/test_production_settings.py``
runs ``manage.py check --deploy`` itself, clean with real settings.
"""

import pytest
from django.conf import settings
from django.core.checks import ERROR, WARNING, run_checks
from django.core.management import call_command
from django.test import override_settings

SMTP = "django.core.mail.backends.smtp.EmailBackend"
REAL = {
    "EMAIL_BACKEND": SMTP,
    "EMAIL_HOST": "smtp.example.com",
    "EMAIL_VERIFICATION_URL": "https://shop.example.com/verify-email/?uid={uid}&token={token}",
    "PASSWORD_RESET_URL": "https://shop.example.com/reset-password/?uid={uid}&token={token}",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/1",
    "CACHES": {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://redis.example.com:6379/0",
        }
    },
}


def shop_issues(**mistake) -> dict[str, tuple[int, str]]:
    """The shop's deploy check issues with real settings but ``mistake``: id -> (level, text)."""
    with override_settings(**{**REAL, **mistake}):
        issues = run_checks(include_deployment_checks=True)
    return {
        issue.id: (issue.level, f"{issue.msg} HINT: {issue.hint}")
        for issue in issues
        if issue.id.startswith("shop.") and issue.id != "shop.E001"
    }


def test_real_settings_raise_nothing_but_the_static_files_here():
    assert shop_issues() == {}


@pytest.mark.parametrize(
    ("backend", "where"),
    [
        ("django.core.mail.backends.console.EmailBackend", "printed on the console"),
        ("django.core.mail.backends.filebased.EmailBackend", "written to files"),
    ],
)
def test_mail_to_a_console_or_a_file_is_an_error_naming_email_url(backend, where):
    level, text = shop_issues(EMAIL_BACKEND=backend)["shop.E002"]

    assert level == ERROR
    assert where in text
    assert "EMAIL_URL" in text


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_mail_to_this_machine_is_an_error_naming_email_url(host):
    level, text = shop_issues(EMAIL_HOST=host)["shop.E003"]

    assert level == ERROR
    assert "EMAIL_URL" in text


@pytest.mark.parametrize("name", ["EMAIL_VERIFICATION_URL", "PASSWORD_RESET_URL"])
@pytest.mark.parametrize(
    "link",
    ["http://localhost:8000/x/?uid={uid}&token={token}", "http://127.0.0.1/x/", "http://[::1]/x/"],
)
def test_a_link_setting_pointing_at_this_machine_is_an_error_naming_it(name, link):
    issues = shop_issues(**{name: link})

    assert list(issues) == ["shop.E004"]
    level, text = issues["shop.E004"]
    assert level == ERROR
    assert text.startswith(name), text


def test_no_broker_is_a_warning():
    level, text = shop_issues(CELERY_BROKER_URL="")["shop.W001"]

    assert level == WARNING
    assert "CELERY_BROKER_URL" in text


def test_a_local_memory_cache_is_a_warning():
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    level, text = shop_issues(CACHES=locmem)["shop.W002"]

    assert level == WARNING
    assert "CACHE_URL" in text


def test_the_shops_checks_run_only_with_deploy():
    with override_settings(CELERY_BROKER_URL=""):
        issues = run_checks()

    assert [issue.id for issue in issues if issue.id.startswith("shop.")] == []


def test_static_files_not_collected_is_an_error_until_collectstatic_runs(tmp_path):
    manifest = {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES={**settings.STORAGES, **manifest}):
        before = [i for i in run_checks(include_deployment_checks=True) if i.id == "shop.E001"]
        call_command("collectstatic", "--noinput", verbosity=0)
        after = [i for i in run_checks(include_deployment_checks=True) if i.id == "shop.E001"]

    assert len(before) == 1, "check --deploy said nothing about uncollected static files"
    assert before[0].level == ERROR
    assert "collectstatic" in before[0].hint
    assert after == []
