"""Where every benchmark starts: ``with shop_database(**environment):`` a fresh database, migrated.

The shop's production settings (``servers/shop.py``) on a throwaway PostgreSQL, or on a
database of the run's own on the server ``DATABASE_URL`` names; then ``django.setup()``.
"""

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg

from servers.postgres import database_url_or_throwaway
from servers.shop import shop_environment


@contextmanager
def shop_database(*, database: str = "postgresql", **environment: str | None) -> Iterator[str]:
    """Django set up on a fresh, migrated database until the block ends; yields its URL.

    The shop's production settings in this process's environment, ``environment``
    over them (``None`` unsets a variable), so the servers a benchmark starts (gunicorn,
    a Celery worker, a child process) inherit them; the environment is restored after.
    ``database="sqlite"``: a SQLite file in a temporary directory instead.
    """
    saved = dict(os.environ)
    with sqlite_database() if database == "sqlite" else postgres_database() as url:
        os.environ.update(shop_environment(DATABASE_URL=url))
        for name, value in environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        try:
            import django

            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            yield url
        finally:
            from django.db import connections

            connections.close_all()  # before the database goes
            os.environ.clear()
            os.environ.update(saved)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A database of this run's own, dropped at the end: a benchmark seeds and deletes rows.

    On the server ``DATABASE_URL`` names, never in the database it names; without
    one, on a throwaway server (``servers/postgres.py``).
    """
    with database_url_or_throwaway() as server:
        if not urlsplit(server).scheme.startswith("postgres"):
            raise SystemExit(
                f"The benchmarks need PostgreSQL: DATABASE_URL is {server!r} (unset it for a throwaway server)."
            )
        name = f"bench_{secrets.token_hex(4)}"  # lower case and digits: no quoting needed
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        try:
            yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
        finally:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="shop-bench-") as folder:
        yield f"sqlite:///{folder}/bench.sqlite3"
