"""What the world hears when an order is placed, and when (pattern 10).

Called by the checkout inside its transaction. Nothing here talks to the
outside world yet: the email waits for the commit, and the notification for
other systems is a row in the same transaction, delivered by the outbox relay.
"""

from shop.core.outbox import outbox_put
from shop.core.side_effects import after_commit
from shop.orders.emails import send_order_confirmation
from shop.orders.models import Order
from shop.orders.notifications import ORDER_PLACED


def announce_order_placed(*, order: Order) -> None:
    # The email: after commit, so a rolled-back checkout sends nothing; the order id
    # bound now; a failing mail server logged, never the customer's error. At most
    # once: a crash right after the commit loses it.
    after_commit(send_order_confirmation, order_id=order.pk)
    # The notification: committed with the order or not at all, then delivered at
    # least once by ``manage.py deliver_outbox``.
    outbox_put(
        topic=ORDER_PLACED,
        payload={"order_id": order.pk, "user_id": order.user_id, "total": f"{order.total:.2f}"},
    )
