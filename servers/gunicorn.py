"""The shop as production runs it: gunicorn with several worker processes, on loopback.

gunicorn starts at the repository root, so it reads ``gunicorn.conf.py`` (the
post-fork telemetry set-up, threads from GUNICORN_THREADS); the flags given here win.

Shared by the fault and serving tests, the fuzz run, the checkout benchmark and the soak.

Each request goes over a fresh connection (a sync worker serves one connection at a
time and closes it), so any worker may answer it.
"""

import http.client
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from servers import ROOT, free_port


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


def spread_over_workers(
    port: int,
    path: str,
    total: int,
    workers: int,
    headers_for=lambda n: {},
) -> list[Answer]:
    """``total`` GETs of ``path``, each batch of ``workers`` answered by distinct workers.

    By construction, not by luck: a batch of one connection per worker, each sent an
    unfinished request, then finished in reverse order. Connections are accepted
    first in, first out, and a sync worker reading an unfinished request accepts
    nothing else, so the batch's connections are held by distinct workers, and each
    is answered before the next is finished. ``headers_for(n)``: request n's headers.
    """
    answers: list[Answer] = []
    while len(answers) < total:
        held = []
        for _ in range(min(workers, total - len(answers))):
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            extra = "".join(
                f"{name}: {value}\r\n"
                for name, value in headers_for(len(answers) + len(held)).items()
            )
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}".encode())
            held.append(conn)
        for conn in reversed(held):  # the last accepted first: its worker is the only free one
            with conn:
                conn.sendall(b"Connection: close\r\n\r\n")
                response = http.client.HTTPResponse(conn)
                response.begin()
                headers = {k.lower(): v for k, v in response.getheaders()}
                answers.append(Answer(response.status, headers, response.read()))
    return answers
