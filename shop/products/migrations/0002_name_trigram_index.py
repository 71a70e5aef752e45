"""A trigram index that Django's case-insensitive LIKE can use (pattern 07).

On PostgreSQL Django compiles ``name__icontains`` to
``UPPER("products_product"."name"::text) LIKE UPPER(%s)``. A plain pg_trgm index
on ``name`` cannot serve that expression; an index on ``UPPER(name)`` can.
On SQLite this migration does nothing.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "products_product_name_upper_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON products_product "
            "USING gin (UPPER(name) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
