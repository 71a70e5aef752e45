"""``seed_demo`` makes a superuser whose password is printed in the README: never in production."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shop.users.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.exists(), "seed_demo created accounts before refusing"


def test_seed_demo_refuses_to_reset_an_existing_superuser_password_in_production(
    settings, staff_user
):
    settings.DEBUG = False
    User.objects.filter(pk=staff_user.pk).update(email="staff@example.com")
    password = User.objects.get(pk=staff_user.pk).password

    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())

    assert User.objects.get(pk=staff_user.pk).password == password
