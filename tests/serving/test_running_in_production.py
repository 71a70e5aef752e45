"""The README's "Running in production", walked as a new operator walks it (issue 21).

The environment is the README's own list, read from its ``ini`` block: with it,
``collectstatic`` and ``check --deploy`` must be clean, so the list is complete. Then the
shop runs on gunicorn with debug off, on this machine: the same variables but for
what only this machine can be (a database file, the SMTP listener on loopback standing
in for the relay, no Redis: tasks run in the web process), and one registration's
email must reach the listener, its link on the README's public site.
"""

import email.utils
import os
import time

import pytest

from servers import ROOT
from servers.gunicorn import Gunicorn, request
from servers.shop import manage
from servers.smtp import FakeMailServer

# What the test run exports for its own processes, which an operator's host does not have.
NOT_ON_AN_OPERATORS_HOST = [
    "DATABASE_URL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_ALLOWED_HOSTS",
    "EMAIL_BACKEND",
    "EMAIL_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
]


def readme_variables() -> dict[str, str]:
    """The ``NAME=value`` lines of the ``ini`` block under "## Running in production"."""
    section = (ROOT / "README.md").read_text().split("\n## Running in production\n", 1)[1]
    block = section.split("```ini\n", 1)[1].split("\n```", 1)[0]
    lines = [line for line in block.splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


@pytest.fixture(scope="module")
def operator_env(tmp_path_factory) -> dict[str, str]:
    """An operator's host: the README's variables, a generated key, and nothing else of ours;
    ``collectstatic`` run, as every deploy runs it."""
    variables = readme_variables()
    assert variables["DJANGO_SECRET_KEY"] == "…", "the README must not show a real key"
    env = {k: v for k, v in os.environ.items() if k not in NOT_ON_AN_OPERATORS_HOST}
    env |= variables | {
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DJANGO_SECRET_KEY": "generated-by-the-operator-" + "k3y" * 12,
        "DJANGO_STATIC_ROOT": str(tmp_path_factory.mktemp("staticfiles")),
    }
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return env


def test_the_readme_lists_what_a_real_deployment_sets():
    names = set(readme_variables())

    assert {
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "CACHE_URL",
        "CELERY_BROKER_URL",
        "EMAIL_URL",
        "DEFAULT_FROM_EMAIL",
        "SERVER_EMAIL",
        "ADMINS",
        "EMAIL_VERIFICATION_URL",
        "PASSWORD_RESET_URL",
    } <= names
    assert readme_variables()["EMAIL_URL"].startswith("smtp://"), "mail through an SMTP relay"


def test_check_deploy_is_clean_with_the_readmes_variables(operator_env):
    output = manage(operator_env, "check", "--deploy", "--fail-level", "WARNING")

    assert "System check identified no issues" in output


def test_a_registration_on_gunicorn_with_debug_off_sends_its_email_through_smtp(
    operator_env, tmp_path
):
    with FakeMailServer() as relay:
        on_this_machine = operator_env | {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
            "EMAIL_URL": f"smtp://127.0.0.1:{relay.port}/",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
            "OTEL_SDK_DISABLED": "true",
        }
        for name in ["CACHE_URL", "CELERY_BROKER_URL"]:  # no Redis here: one machine
            on_this_machine.pop(name)
        manage(on_this_machine, "migrate", "--verbosity", "0")

        with Gunicorn(on_this_machine, workers=1) as server:
            registered = request(
                server.port,
                "POST",
                "/api/auth/register/",
                {"email": "new.customer@example.org", "password": "correct horse battery 42"},
            )
            pages = {path: request(server.port, "GET", path).status for path in PAGES}
            deadline = time.monotonic() + 20
            while not relay.received and time.monotonic() < deadline:
                time.sleep(0.1)  # waiting for another process's SMTP session, not a race

    assert registered.status in {201, 202}, registered
    assert pages == dict.fromkeys(PAGES, 200), "a page failed with debug off"
    [message] = relay.received
    variables = readme_variables()
    assert message["To"] == "new.customer@example.org"
    assert email.utils.parseaddr(message["From"]) == email.utils.parseaddr(
        variables["DEFAULT_FROM_EMAIL"]
    )
    link_prefix = variables["EMAIL_VERIFICATION_URL"].split("{uid}")[0]
    assert link_prefix in message.get_payload(decode=True).decode(), "no link to the public site"


PAGES = ["/admin/login/", "/api/docs/", "/api/health/"]
