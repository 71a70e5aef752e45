"""Telling other systems that an order was placed: the outbox's "order.placed" handler.

It calls the ``ORDER_NOTIFIER`` setting's ``notify(*, message_id, topic, payload)``, which must
deduplicate by ``message_id``: delivery is at least once (patterns/10_on_commit/README.md).
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
