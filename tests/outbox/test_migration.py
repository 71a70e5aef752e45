"""The outbox moved from core to its own app without touching its table.

Both migrations of the move are state only: a database migrated before it keeps its
rows, and the outbox app delivers them.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shop.outbox import delivery
from shop.outbox.delivery import deliver_pending
from shop.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)  # migrations run outside a test's transaction

TOPIC = "test.happened"
MOVED = {"core", "outbox"}
BEFORE_THE_MOVE = [("core", "0002_outbox_retry_at"), ("outbox", None)]


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh one reads what is applied now


def latest() -> list[tuple[str, str]]:
    graph = MigrationExecutor(connection).loader.graph
    return [node for node in graph.leaf_nodes() if node[0] in MOVED]


@pytest.fixture
def before_the_move():
    """The database as it was with the outbox in core; migrated back to the latest after."""
    executor = migrate(BEFORE_THE_MOVE)
    try:
        yield executor.loader.project_state(BEFORE_THE_MOVE[0]).apps
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()


def test_rows_written_before_the_move_are_delivered_after_it(before_the_move, monkeypatch):
    delivered = []
    monkeypatch.setitem(
        delivery.handlers, TOPIC, lambda message_id, payload: delivered.append(message_id)
    )
    CoreOutboxMessage = before_the_move.get_model("core", "OutboxMessage")
    written = [CoreOutboxMessage.objects.create(topic=TOPIC, payload={"n": n}).pk for n in range(3)]

    migrate(latest())
    run = deliver_pending()

    assert (run.pending, run.delivered, delivered) == (3, 3, written), (
        f"wrote {len(written)} messages with the outbox in core, migrated, then delivered "
        f"{run.delivered} of {run.pending} pending, expected all {len(written)}"
    )
    assert not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()


def test_the_outboxs_content_type_and_permissions_follow_it_from_core(before_the_move):
    ContentType.objects.clear_cache()
    before = ContentType.objects.get(model="outboxmessage")
    if before.app_label != "core":
        pytest.fail(f"harness: before the move the content type is {before}, expected core's")

    migrate(latest())

    after = ContentType.objects.get(model="outboxmessage")
    assert (after.pk, after.app_label) == (before.pk, "outbox"), "the same row, relabelled"
    assert "view_outboxmessage" in after.permission_set.values_list("codename", flat=True)
