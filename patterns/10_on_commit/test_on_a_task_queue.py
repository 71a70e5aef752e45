"""Pattern 10 on a real task queue: a worker must never run before the COMMIT.

A real Redis (``redis-server`` on PATH; skipped with the reason where there is
none) and a real Celery worker in a thread (``celery.contrib.testing``), running
the shop's Celery app with its own settings. The variant is
``order_announce``, swapped into the checkout as in ``test_on_commit.py``.

The bad interleaving is forced, not hoped for: right after the announcement the
checkout's transaction is held open until every task queued so far has finished
(or failed). A task queued inside the transaction therefore runs before the
COMMIT, every time; a task queued after the COMMIT is not waited for, because
there is none yet.
"""

import itertools
from contextlib import ExitStack
from decimal import Decimal

import pytest
from celery.signals import task_postrun, task_prerun
from django.db import transaction

from kata.variants import Fails, Holds, Kata, load_variant, said
from servers.celery import celery_on_broker, worker_thread
from shop.checkouts import services as checkout
from shop.orders.announcements import order_announce
from testing import timelines
from testing.crashes import CheckedClient, answer, describe
from testing.factories import CartFactory, CartItemFactory, SKUFactory, UserFactory
from testing.preconditions import require
from testing.task_queue import TaskLedger

kata = Kata(
    naive=load_variant(__file__, "naive").order_announce,
    article=load_variant(__file__, "article").order_announce,
    shop=order_announce,
)

pytestmark = [
    pytest.mark.postgres(reason="a worker reads while the checkout's transaction is open"),
    pytest.mark.django_db(transaction=True),  # the worker sees only what really committed
]


@pytest.fixture(scope="module")
def worker(redis_broker):
    """The shop's Celery app on the real broker, and a worker consuming from it."""
    redis_broker.flush()
    with celery_on_broker(redis_broker.url) as app, worker_thread(app):
        yield app


@pytest.fixture(autouse=True)
def worker_lane():
    """Under the timeline recorder, each task the worker runs is a lane of the picture."""
    lanes: dict[str, ExitStack] = {}
    numbers = itertools.count(1)

    def into_lane(task_id, **_):
        lanes[task_id] = ExitStack()
        # Numbered, so the picture orders the tasks by what they did, not by luck.
        lanes[task_id].enter_context(timelines.lane(f"task {next(numbers)}"))

    def out_of_lane(task_id, **_):
        if task_id in lanes:
            lanes.pop(task_id).close()

    task_prerun.connect(into_lane, weak=False)
    task_postrun.connect(out_of_lane, weak=False)
    yield
    task_prerun.disconnect(into_lane)
    task_postrun.disconnect(out_of_lane)


@pytest.fixture
def ledger(worker):
    with TaskLedger() as ledger:
        yield ledger
        ledger.wait_until_idle()  # nothing left running into the next test


@pytest.fixture
def announced_then_held(variant, ledger, monkeypatch) -> list[int]:
    """Swap the variant into the checkout; then hold its transaction open until the tasks
    queued so far have finished. The ids of the orders announced."""
    calls = []

    def announce(*, order):
        calls.append(order.pk)
        # For the picture: what the worker does after each of these moments, it does
        # after them (the first on_commit callback runs right after the COMMIT).
        timelines.sync("the checkout announces its order")
        transaction.on_commit(lambda: timelines.sync("the checkout has committed"))
        variant(order=order)
        ledger.wait_until_idle()  # inside the transaction: before the COMMIT
        timelines.sync("the tasks queued so far have run; the checkout goes on")

    monkeypatch.setattr(checkout, "order_announce", announce)
    return calls


def post_checkout(cart):
    client = CheckedClient()
    client.force_authenticate(cart.user)
    return client.post("/api/checkouts/", {"cart_id": cart.pk}, format="json")


@kata(
    naive=Fails(
        "its task is queued inside the transaction: the worker runs it before the COMMIT, "
        "finds no order (DoesNotExist), and the email never leaves"
    ),
    article=Holds("on_commit queues the task after the COMMIT: the worker finds the order"),
)
def test_a_worker_runs_the_email_task_only_after_the_order_commits(
    announced_then_held, ledger, mailoutbox
):
    cart = CartFactory(user=UserFactory())
    CartItemFactory(cart=cart, sku=SKUFactory(stock=5, price=Decimal("12.50")), quantity=1)

    with timelines.scene("a checkout and its email task"):
        with timelines.lane("checkout"):
            response = post_checkout(cart)
        ledger.wait_until_idle()  # after the COMMIT: the tasks queued then

    require(announced_then_held, "the checkout announced its order")
    require(response.status_code == 201, f"the checkout committed (got {answer(response)})")
    require(ledger.finished, "the worker ran a task")
    order_id = response.json()["id"]
    emailed = [message.subject for message in mailoutbox]
    failures = "; ".join(f"{describe(exc)}" for _, exc in ledger.failures)
    assert emailed == [f"Your order #{order_id}"], said(
        "placed an order while a worker took tasks from a real broker",
        f"{len(emailed)} email(s)" + (f" (the task failed: {failures})" if failures else ""),
        "one email, for that order",
    )
