"""Empty the database after a transactional test in a fraction of the time ``flush`` takes.

A ``django_db(transaction=True)`` test really commits, so Django empties the database
afterwards with ``manage.py flush``: one TRUNCATE of every table (PostgreSQL makes
new files for each, and there are forty), then the ``post_migrate`` signal, which
writes every content type and permission back. That was 0.3 s per test here, for
tests that touch a handful of tables.

On PostgreSQL this deletes the rows of the tables that have any, in one transaction
(Django's foreign keys are deferred to the commit, so the order does not matter),
and leaves the content types and permissions alone while they are still exactly what
the last full flush left: any change to them, or any error, and Django's own flush
runs instead. The database ends as Django's flush leaves it either way, which is
what ``tests/kata/test_flush.py`` checks.
"""

from django.db import DatabaseError, connections, transaction
from django.test import TransactionTestCase

# Written by post_migrate after every full flush, identical each time.
REFERENCE_TABLES = ("django_content_type", "auth_permission")
djangos_fixture_teardown = TransactionTestCase._fixture_teardown
reference_checksums: dict[str, str] = {}  # database alias -> checksum after the last full flush


def install() -> None:
    TransactionTestCase._fixture_teardown = fixture_teardown


def fixture_teardown(test_case: TransactionTestCase) -> None:
    if test_case.available_apps is not None or test_case.serialized_rollback:
        return djangos_fixture_teardown(test_case)  # subsets and rollbacks: Django's own rules
    aliases = test_case._databases_names(include_mirrors=False)
    if all(empty_quickly(alias) for alias in aliases):
        return None
    djangos_fixture_teardown(test_case)  # a database already emptied is flushed again: harmless
    for alias in aliases:
        if connections[alias].vendor == "postgresql":
            reference_checksums[alias] = reference_checksum(alias)
    return None


def empty_quickly(alias: str) -> bool:
    """Delete every row a test left, if the reference tables are as the last flush left
    them; False if Django's flush must run instead."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or alias not in reference_checksums:
        return False
    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True)
        if table not in REFERENCE_TABLES
    ]
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if reference_checksum(alias) != reference_checksums[alias]:
                return False
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s WHERE EXISTS (SELECT FROM {quote(table)})" for table in tables
                ),
                tables,
            )
            for (table,) in cursor.fetchall():
                cursor.execute(f"DELETE FROM {quote(table)}")
    except DatabaseError:
        return False
    return True


def reference_checksum(alias: str) -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {table} t"
                for table in REFERENCE_TABLES
            )
        )
        return ",".join(row[0] for row in cursor.fetchall())
