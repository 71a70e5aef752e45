"""The shop in a process of its own, with production's settings (debug off) over plain HTTP."""

import os
import subprocess
import sys

from servers import ROOT


def shop_environment(**overrides: str) -> dict[str, str]:
    """This process's environment, with production's settings for a shop of its own on loopback.

    Debug off, a throwaway secret, plain HTTP, mail kept in memory, throttle counters
    per process (no CACHE_URL); ``overrides`` win.
    """
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        DJANGO_SECRET_KEY="local-runs-only-secret-key-never-in-production-0123456789",
        DJANGO_SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    env.pop("CACHE_URL", None)
    env.update(overrides)
    return env


def run_python(code: str, **env: str | None) -> subprocess.CompletedProcess:
    """Run ``code`` at the repository root with the shop's settings and ``env`` applied.

    A ``None`` value removes the variable.
    """
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings"}
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def manage(env: dict[str, str], *args: str) -> str:
    """``python manage.py ARGS`` against the database ``env`` names; its output, or a clear failure."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout
