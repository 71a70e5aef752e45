"""Carts left empty for 30 days are removed: a service, a command for cron, a task for beat."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from shop.carts.models import Cart
from shop.carts.tasks import remove_empty_carts
from testing.factories import CartFactory, CartItemFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=31)


@pytest.fixture
def carts():
    """Which carts stay and which go, by name."""
    buyer_today = UserFactory()
    OrderFactory(user=buyer_today)  # a checkout today emptied one of this buyer's carts
    return {
        "empty for a month": CartFactory(created_at=LONG_AGO),
        "empty, new": CartFactory(),
        "full for a month": CartItemFactory(cart=CartFactory(created_at=LONG_AGO)).cart,
        "emptied by a checkout today": CartFactory(user=buyer_today, created_at=LONG_AGO),
    }


def remaining(carts: dict) -> set[str]:
    kept = set(Cart.objects.values_list("pk", flat=True))
    return {name for name, cart in carts.items() if cart.pk in kept}


def test_the_command_removes_only_carts_left_empty_for_thirty_days(carts):
    out = StringIO()

    call_command("remove_empty_carts", stdout=out)

    assert remaining(carts) == {"empty, new", "full for a month", "emptied by a checkout today"}
    assert "Deleted 1 carts left empty for 30 days" in out.getvalue()


def test_the_beat_task_does_the_same(carts):
    assert remove_empty_carts.apply().result == "deleted 1 empty carts"
    assert "empty for a month" not in remaining(carts)
