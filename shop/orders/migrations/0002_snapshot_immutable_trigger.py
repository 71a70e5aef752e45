"""Order snapshots refuse UPDATEs in the database too (pattern 09).

``OrderItem.save()`` refuses a change, but a queryset ``.update()`` or raw SQL
never calls ``save()``. On PostgreSQL, a trigger makes the rule hold for every
writer. On SQLite this migration does nothing.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION orders_refuse_snapshot_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% #% is a record of a sale: its snapshot cannot change', TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;
"""
ITEM_COLUMNS = ["product_name", "sku_code", "unit_price", "quantity", "line_total", "sku_id", "order_id"]
ORDER_COLUMNS = ["total", "user_id", "created_at"]


def trigger(table: str, columns: list[str]) -> str:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    return (
        f"CREATE TRIGGER {table}_snapshot_immutable BEFORE UPDATE ON {table} "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION orders_refuse_snapshot_change();"
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # its % are plpgsql's, not placeholders
        schema_editor.execute(trigger("orders_orderitem", ITEM_COLUMNS))
        schema_editor.execute(trigger("orders_order", ORDER_COLUMNS))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS orders_orderitem_snapshot_immutable ON orders_orderitem")
        schema_editor.execute("DROP TRIGGER IF EXISTS orders_order_snapshot_immutable ON orders_order")
        schema_editor.execute("DROP FUNCTION IF EXISTS orders_refuse_snapshot_change()")


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
