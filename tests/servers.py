"""The shop as production runs it: gunicorn with several worker processes, on loopback.

gunicorn starts at the repository root, so it reads ``gunicorn.conf.py`` (the
post-fork telemetry set-up, threads from GUNICORN_THREADS); the flags given here win.

Shared by the fault tests, the fuzz run, the checkout benchmark and the soak.

Each request goes over a fresh connection (a sync worker serves one connection at a
time and closes it), so any worker may answer it.
"""

import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class OtlpCollector:
    """``with OtlpCollector() as collector:`` an OTLP/HTTP trace receiver on loopback.

    Point a process at it with ``collector.environment()``. It answers 200 to every
    export and keeps the trace id and name of each span received (``parse=False``:
    only counts the exports, so a benchmark spends no time decoding them).
    """

    def __init__(self, *, parse: bool = True) -> None:
        self.parse = parse
        self.exports = 0
        self.spans: list[tuple[str, str]] = []  # (trace id in hex, span name)
        self.lock = threading.Lock()

    def environment(self) -> dict[str, str]:
        return {
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"http://127.0.0.1:{self.port}/v1/traces",
        }

    def __enter__(self) -> "OtlpCollector":
        collector = self

        class Receive(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                collector.receive(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass  # one line per export would drown the output

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Receive)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def receive(self, body: bytes) -> None:
        spans = []
        if self.parse:
            from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
                ExportTraceServiceRequest,
            )

            export = ExportTraceServiceRequest.FromString(body)
            spans = [
                (span.trace_id.hex(), span.name)
                for resource in export.resource_spans
                for scope in resource.scope_spans
                for span in scope.spans
            ]
        with self.lock:
            self.exports += 1
            self.spans.extend(spans)

    def trace_ids(self) -> set[str]:
        with self.lock:
            return {trace_id for trace_id, _ in self.spans}
