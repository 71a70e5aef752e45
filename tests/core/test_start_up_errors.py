"""A settings mistake stops each entry point with a message that names the variable (issue 21).

Through the real commands, as subprocesses: ``manage.py``, ``gunicorn shop.wsgi`` and
``celery -A shop``. Each sets tracing up before Django loads, and
opentelemetry-instrumentation-django, reading a setting, used to catch the
ImproperlyConfigured that named the variable and carry on with empty settings: all
three then died with ``KeyError: 'default'``.
"""

import os
import subprocess
import sys

import pytest

from servers import ROOT, free_port

NO_SECRET_KEY = {"DJANGO_DEBUG": None, "DJANGO_SECRET_KEY": None}
MISSPELT_DEBUG = {"DJANGO_DEBUG": "maybe"}
CASES = [
    pytest.param(NO_SECRET_KEY, "DJANGO_SECRET_KEY is not set", id="no-secret-key"),
    pytest.param(
        MISSPELT_DEBUG,
        'Environment variable "DJANGO_DEBUG" invalid: Not a valid boolean.',
        id="misspelt-debug",
    ),
]


def run(command: list[str], settings: dict[str, str | None]) -> subprocess.CompletedProcess:
    """``command`` at the repository root with tracing on, as production runs, and ``settings``."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings"}
    env.pop("OTEL_SDK_DISABLED", None)
    env.pop("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", None)
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90, check=False
    )


def assert_stopped_naming_the_cause(result: subprocess.CompletedProcess, cause: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"it started despite the mistake:\n{output[-2000:]}"
    assert "KeyError" not in output, f"the cause was hidden behind a KeyError:\n{output[-3000:]}"
    assert cause in output, f"the output does not say {cause!r}:\n{output[-3000:]}"


@pytest.mark.parametrize(("settings", "cause"), CASES)
def test_manage_py_names_the_variable(settings, cause):
    result = run([sys.executable, "manage.py", "check"], settings)

    assert_stopped_naming_the_cause(result, cause)


@pytest.mark.parametrize(("settings", "cause"), CASES)
def test_gunicorn_names_the_variable_and_stops(settings, cause):
    """A worker that cannot load the app stops gunicorn ("Worker failed to boot")."""
    command = [sys.executable, "-m", "gunicorn", "shop.wsgi:application", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{free_port()}"]

    result = run(command, settings)

    assert_stopped_naming_the_cause(result, cause)


@pytest.mark.parametrize(("settings", "cause"), CASES)
@pytest.mark.parametrize("program", ["worker", "beat"])
def test_celery_names_the_variable(program, settings, cause):
    # No broker is ever reached: the settings are read first. Port 9 is discard.
    broker = {"CELERY_BROKER_URL": "redis://127.0.0.1:9/0"}

    result = run([sys.executable, "-m", "celery", "-A", "shop", program], settings | broker)

    assert_stopped_naming_the_cause(result, cause)
