"""The test run's environment and database, ready before Django is set up.

A pytest plugin (``-p testing.environment`` in pyproject.toml's addopts), not a
conftest.py, because of the order pytest-django works in: with the settings module
named in the ini options (``--ds=testing.settings``), its ``pytest_load_initial_conftests``
imports the settings and calls ``django.setup()`` before pytest imports any
conftest.py. That is what lets conftests, fixtures and test modules import Django,
DRF and the shop at the top, like any Django code. But the settings read the
environment when they are imported (``DATABASE_URL`` through dj-database-url,
``DJANGO_SECRET_KEY``), so the environment must be complete before that: this
hook runs first (``tryfirst``; pytest-django's documented way to act "before Django
gets set up"), and pytest 8.4+ can import it from the repository root (``pythonpath``).

The database, once per run:

- ``DATABASE_URL`` given: that database. ``DATABASE_URL=sqlite://`` runs on SQLite,
  where tests marked ``postgres`` are skipped, with the reason.
- Not given: one throwaway PostgreSQL (``servers/postgres.py``), started by the
  first process, the xdist controller (or the only process), and stopped when it
  ends. xdist starts its workers afterwards and they inherit ``DATABASE_URL``, so
  their own hook starts nothing; pytest-django gives each worker its own test
  database (``test_shop_gw0``, … : ``django_db_modify_db_settings_xdist_suffix``).

Not pytest-django's ``django_db_modify_db_settings`` fixture: session fixtures run in
each xdist worker and never in the controller, so a server started there would be one
per worker; and they run after the settings chose the database engine and after
collection decided which tests need PostgreSQL. That fixture can adjust the settings
in place (as the xdist suffix does), not point them at a server that does not exist yet.
"""

import os
from contextlib import ExitStack

import pytest

from servers.postgres import database_url_or_throwaway

# Production's settings (debug off), but for two things a test process cannot have: a
# real secret, and HTTPS (the test client speaks plain HTTP). In the environment, so
# the processes the tests start (a probe, a practice run) get them too.
ENVIRONMENT = {
    "DJANGO_SECRET_KEY": "tests-only-secret-key-not-for-production-0123456789abcdef",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
}


def set_environment() -> None:
    """The variables above, where the caller has not set them."""
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    set_environment()
    options = parser.parse_known_args(args)
    if options.help or options.version:
        return  # no server for `pytest --help`
    database = ExitStack()
    database.enter_context(database_url_or_throwaway())
    early_config.add_cleanup(database.close)


def pytest_report_header(config: pytest.Config) -> str:
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("postgres")
        if marker:
            why = marker.kwargs.get("reason", "row locks, constraints and concurrency")
            item.add_marker(
                pytest.mark.skip(
                    reason=f"needs PostgreSQL ({why}); this run uses {connection.vendor}"
                )
            )
