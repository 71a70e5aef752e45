"""OutboxMessage now belongs to the outbox app: it leaves core's state, its table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outbox_retry_at"),
        # The outbox app holds the model first, so no state is ever without it.
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxMessage")],
            database_operations=[],
        ),
    ]
