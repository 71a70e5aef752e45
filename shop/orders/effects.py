"""What the world hears when an order is placed, and when (pattern 10).

Called by the checkout inside its transaction. Nothing here talks to the outside
world yet: the confirmation email and the notification for other systems are
outbox rows in the same transaction, so they exist if and only if the order does.
After the COMMIT, each is handed to a task (a Celery worker, or this process
without a broker); the outbox sweep delivers whatever a task did not.
"""

from shop.orders.emails import ORDER_CONFIRMATION_EMAIL
from shop.orders.models import Order
from shop.orders.notifications import ORDER_PLACED
from shop.outbox.services import outbox_put_many


def order_announce(*, order: Order) -> None:
    outbox_put_many(
        messages=[
            # The email: at least once, the same Message-ID every time (orders/emails.py).
            (ORDER_CONFIRMATION_EMAIL, {"order_id": order.pk}),
            # The notification: at least once; its consumer deduplicates by message id.
            (
                ORDER_PLACED,
                {"order_id": order.pk, "user_id": order.user_id, "total": f"{order.total:.2f}"},
            ),
        ]
    )
