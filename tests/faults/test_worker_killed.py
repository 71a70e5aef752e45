"""A Celery worker killed in the middle of sending an email: the email is sent again, once.

Real parts: a Redis broker and an SMTP server of the test's own (``servers/smtp.py``),
a worker started as production starts it (``celery -A shop worker``, in a process of
its own, on the test's database), and ``SIGKILL``, which nothing can catch. The
checkout runs in the test process, queuing its tasks on that Redis after the COMMIT.

The mail server takes the email and does not answer: the worker is stuck mid-task,
holding the outbox row's lock, its message unacknowledged. Then it is killed:

- the whole worker, every process of it at once (a lost machine): Redis gives the
  message back when its visibility timeout has passed (1 s here,
  ``settings_killable_worker``), and a restarted worker runs the task again
  (``task_acks_late``: acknowledged at the start, the message would be gone);
- only the pool process running the task (the OOM killer): the worker's main process
  sees it die and puts the message back at once (``task_reject_on_worker_lost``).

Either way the killed transaction rolled back, so the row is still undelivered, and
the second run sends the email again: at least once, and here exactly twice. Both
copies carry the same Message-ID, so the customer's mail client shows one.
"""

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from urllib.parse import quote

import psutil
import pytest
from django.db import connection
from rest_framework.test import APIClient

from servers import ROOT
from servers.celery import celery_on_broker
from servers.smtp import FakeMailServer
from shop.outbox.models import OutboxMessage
from testing.factories import CartFactory, CartItemFactory, SKUFactory, UserFactory

pytestmark = [
    pytest.mark.postgres(reason="a worker process of its own shares the test's database"),
    pytest.mark.django_db(transaction=True),  # the worker sees only what committed
]

GIVE_UP_AFTER = 60.0  # seconds: for a worker to start, and for a redelivery


def database_url() -> str:
    """The test database as a DATABASE_URL, for a process of its own."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    host = quote(db["HOST"] or "", safe="")
    return f"postgres://{quote(db['USER'])}{password}@{host}{port}/{db['NAME']}"


class Worker:
    """``celery -A shop worker``, prefork with one pool process, in a session of its own."""

    def __init__(self, *, broker: str, smtp_port: int, **env: str) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.settings_killable_worker",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "TEST_SMTP_PORT": str(smtp_port),
            **env,
        }
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "shop", "worker"),
                *("--pool", "prefork", "--concurrency", "1", "--loglevel", "warning"),
                *("--without-mingle", "--without-gossip", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: kill() takes every process
        )

    def pool_process(self) -> psutil.Process:
        [child] = psutil.Process(self.process.pid).children()
        return child

    def kill(self) -> None:
        """SIGKILL to the main process and its pool process at once: a machine lost."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """As kill(): by then the verdict is in the database and at the mail server, and a
        warm (or even cold) shutdown waits a second or two for the consumer's last poll
        of Redis to return."""
        if self.process.poll() is None:
            self.kill()


@pytest.fixture
def broker(redis_broker):
    redis_broker.flush()
    with celery_on_broker(redis_broker.url):
        yield redis_broker.url


def eventually(condition) -> bool:
    """A bounded wait on a condition (polled), never a sleep-and-hope: did it come true?"""
    deadline = time.monotonic() + GIVE_UP_AFTER
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def check_out_one_order() -> int:
    cart = CartFactory(user=UserFactory(email="ann@example.com"))
    CartItemFactory(cart=cart, sku=SKUFactory(stock=5, price=Decimal("12.50")), quantity=1)
    client = APIClient()
    client.force_authenticate(cart.user)
    response = client.post("/api/checkouts/", {"cart_id": cart.pk}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.parametrize("killed", ["the whole worker", "its pool process"])
def test_a_worker_killed_mid_email_sends_it_once_more_and_the_customer_sees_one(broker, killed):
    # The whole worker: nobody is left to give the task back but Redis, after its
    # visibility timeout. Its pool process: production's timeout, so only the worker's
    # main process can give it back.
    env = {"TEST_VISIBILITY_TIMEOUT": "1"} if killed == "the whole worker" else {}
    with FakeMailServer(hold_first=True) as mail:
        worker = Worker(broker=broker, smtp_port=mail.port, **env)
        try:
            order_id = check_out_one_order()
            if not mail.first_received.wait(GIVE_UP_AFTER):
                pytest.fail("harness: the worker never sent the email", pytrace=False)
            email = OutboxMessage.objects.get(topic="order.confirmation_email")
            if killed == "the whole worker":
                worker.kill()
                mail.release()  # the server answers a dead socket
                worker = Worker(broker=broker, smtp_port=mail.port, **env)  # restarted
            else:
                worker.pool_process().send_signal(signal.SIGKILL)
                mail.release()
            delivered = eventually(
                lambda: not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()
            )
        finally:
            worker.stop()

    email.refresh_from_db()
    assert delivered, (
        f"killed {killed} while it sent order {order_id}'s email, then waited "
        f"{GIVE_UP_AFTER:g}s: the email was never delivered again (its task was acknowledged, "
        "and lost with the worker), expected the task redelivered and the email sent"
    )
    subjects = [message["Subject"] for message in mail.received]
    assert subjects == [f"Your order #{order_id}"] * 2, (
        f"killed {killed} while it sent order {order_id}'s email, got {subjects} at the "
        "mail server, expected that email twice: once before the kill, once redelivered"
    )
    assert len(set(mail.message_ids())) == 1, (
        f"the two copies carry Message-IDs {mail.message_ids()}, expected one: a "
        "redelivery must be the same email to the customer's mail client"
    )
    assert email.attempts == 1, (
        f"the outbox row counts {email.attempts} attempts, expected 1: the killed "
        "attempt's transaction rolled back"
    )
