"""The shop as production runs it: gunicorn with several worker processes, on loopback.

gunicorn starts at the repository root, so it reads ``gunicorn.conf.py`` (the
post-fork telemetry set-up, threads from GUNICORN_THREADS); the flags given here win.

Shared by the fault tests, the fuzz run, the checkout benchmark and the soak.

Each request goes over a fresh connection (a sync worker serves one connection at a
time and closes it), so any worker may answer it.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shop_environment(**overrides: str) -> dict[str, str]:
    """The test process's environment with the shop's settings for a server of its own."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        DJANGO_SECRET_KEY="fault-tests-only",
        DJANGO_DEBUG="false",
        DJANGO_SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback: no redirect to https
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    env.pop("CACHE_URL", None)
    env.update(overrides)
    return env


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


class Gunicorn:
    """``with Gunicorn(env, workers=2) as server:`` the shop on ``server.port``, up and answering."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int,
        app: str = "shop.wsgi:application",
        extra_args: tuple[str, ...] = (),
    ) -> None:
        # Debug off over plain HTTP on loopback: the shop must not redirect to https.
        self.env = {"DJANGO_SECURE_SSL_REDIRECT": "false", **env}
        self.workers = workers
        self.app = app
        self.extra_args = extra_args
        self.port = free_port()

    def __enter__(self) -> "Gunicorn":
        self.log = tempfile.NamedTemporaryFile(prefix="shop-gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                self.app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
                *self.extra_args,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if request(self.port, "GET", "/api/health/").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)  # waiting for a server to come up, not for a race
        self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{self.log_tail()}")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.log.close()

    def log_tail(self, chars: int = 4000) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-chars:]


class Answer:
    """One HTTP response: status, headers, raw body, and the body as JSON when it is JSON."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self):
        return json.loads(self.body)

    def is_json(self) -> bool:
        if not self.content_type.startswith("application/json"):
            return False
        try:
            self.json()
        except ValueError:
            return False
        return True

    def __repr__(self) -> str:
        return f"<{self.status} {self.content_type} {self.body[:200]!r}>"


def request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 20,
) -> Answer:
    """One request over a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = {"Content-Type": "application/json", **(headers or {})}
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, sent)
        response = conn.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        conn.close()
