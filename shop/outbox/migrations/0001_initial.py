"""OutboxMessage moves here from core: the same table, so state only; no schema changes.

core's 0003 removes the model from core's state once this adds it here, and the model's
content type (with its permissions) follows it from core to outbox.
"""

import uuid

import django.core.serializers.json
import django.utils.timezone
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    """Relabel the model's content type, unless the target's exists already (a fresh database)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=target, model="outboxmessage").exists():
        types.filter(app_label=source, model="outboxmessage").update(app_label=target)


def from_core(apps, schema_editor) -> None:
    move_content_type(apps, schema_editor, source="core", target="outbox")


def back_to_core(apps, schema_editor) -> None:
    move_content_type(apps, schema_editor, source="outbox", target="core")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # The table as core left it: created by its 0001, with retry_at from its 0002.
        ("core", "0002_outbox_retry_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("topic", models.CharField(max_length=100)),
                        (
                            "payload",
                            models.JSONField(
                                encoder=django.core.serializers.json.DjangoJSONEncoder
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("retry_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "core_outboxmessage",
                        "ordering": ["created_at", "id"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("delivered_at__isnull", True)),
                                fields=["created_at", "id"],
                                name="core_outbox_pending",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(from_core, back_to_core, elidable=True),
    ]
