"""Telling other systems that an order was placed (pattern 10).

The checkout writes an "order.placed" outbox row in its transaction; after the
COMMIT a task calls ``order_placed`` for it (``shop/core/tasks.py``), and the outbox
sweep or ``manage.py deliver_outbox`` does if that task did not: at least once.
Where the notification goes is the ``ORDER_NOTIFIER`` setting: a dotted path to
``notify(*, message_id, topic, payload)``, for instance a webhook poster. It
must deduplicate by ``message_id``: a crash after it ran and before the relay
committed sends the same message again.
"""

import json
import logging
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("shop.orders")

ORDER_PLACED = "order.placed"


def order_placed(message_id: UUID, payload: dict[str, Any]) -> None:
    """The outbox handler for "order.placed" (registered in OrdersConfig.ready)."""
    notify = import_string(settings.ORDER_NOTIFIER)
    notify(message_id=message_id, topic=ORDER_PLACED, payload=payload)


def log_notification(*, message_id: UUID, topic: str, payload: dict[str, Any]) -> None:
    """The default notifier: write it to the log, for a shop with nobody to tell yet."""
    logger.info("%s %s %s", topic, message_id, json.dumps(payload, sort_keys=True))
