"""The rendezvous that forces a race: it counts only its own run, and any number can meet."""

import threading
import time

import psycopg
import pytest
from django.db import connections
from django.db.models.signals import pre_save

from shop.products.models import Product
from testing.concurrency import GIVE_UP_AFTER, Rendezvous, run_concurrently

pytestmark = pytest.mark.postgres(reason="backend pids and pg_stat_activity")
LOCK = 424242  # an advisory lock key: a lock to wait on, without a table


def wait_until(condition, what: str) -> None:
    """Poll until ``condition()`` holds (a state to reach, not a delay to hope for)."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"harness precondition not met: {what}", pytrace=False)
        time.sleep(0.01)


@pytest.fixture
def a_stranger_waiting_on_a_lock(db):
    """Another session, not the test's, blocked on a lock someone else holds."""
    params = connections["default"].get_connection_params()
    holder = psycopg.connect(**params, autocommit=True)
    stranger = psycopg.connect(**params, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", [LOCK])
    waiting = threading.Thread(
        target=lambda: stranger.execute("SELECT pg_advisory_lock(%s)", [LOCK])
    )
    waiting.start()

    def is_waiting() -> bool:
        return holder.execute(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
            [stranger.info.backend_pid],
        ).fetchone()[0]

    wait_until(is_waiting, "the stranger is blocked on the advisory lock")
    yield stranger.info.backend_pid
    holder.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
    waiting.join()
    stranger.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
    holder.close()
    stranger.close()


def test_a_stranger_waiting_on_a_lock_is_not_one_of_the_run(a_stranger_waiting_on_a_lock):
    with Rendezvous(2) as rendezvous:
        before = rendezvous.waiting_on_locks()
        rendezvous.enlist(a_stranger_waiting_on_a_lock)
        after = rendezvous.waiting_on_locks()

    assert (before, after) == (0, 1), (
        f"counted lock waiters before and after enlisting the stranger, got {(before, after)}, "
        "expected (0, 1): only the run's own sessions count"
    )


def create_product(name: str):
    return lambda: Product.objects.create(name=name).pk


@pytest.mark.django_db(transaction=True)
def test_two_rendezvous_in_one_test_are_each_reached():
    first = Rendezvous(2).at_signal(pre_save, sender=Product)
    run_concurrently([create_product("a"), create_product("b")], first)
    second = Rendezvous(2).at_signal(pre_save, sender=Product)
    run_concurrently([create_product("c"), create_product("d")], second)

    assert (first.arrived, second.arrived) == (2, 2), (
        f"ran two rendezvous of 2 threads one after the other, got arrivals "
        f"{(first.arrived, second.arrived)}, expected (2, 2)"
    )
    assert not pre_save.has_listeners(Product), "a rendezvous stayed connected after its run"


@pytest.mark.django_db(transaction=True)
def test_a_rendezvous_nobody_reached_fails_the_test():
    """The race was never forced: no verdict from that run can be trusted."""
    never = Rendezvous(2).at_signal(pre_save, sender=Product)

    with pytest.raises(pytest.fail.Exception, match="no thread reached the rendezvous"):
        run_concurrently([lambda: None, lambda: None], never)
