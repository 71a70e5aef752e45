"""The custom user, from the first migration (pattern 02)."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import RequestFactory

from shop.users.models import User
from testing.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


# --- The manager ---------------------------------------------------------------------


def test_create_user_without_a_password_sets_an_unusable_one():
    ann = User.objects.create_user("ann@example.com")

    assert ann.has_usable_password() is False
    assert ann.check_password("") is False


def test_create_user_with_an_empty_password_sets_an_unusable_one():
    assert User.objects.create_user("ann@example.com", password="").has_usable_password() is False


def test_a_new_user_is_inactive_by_default():
    assert User.objects.create_user("ann@example.com", DEFAULT_PASSWORD).is_active is False


def test_create_user_refuses_an_empty_email():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", DEFAULT_PASSWORD)


def test_create_user_lowercases_only_the_domain():
    assert User.objects.create_user("Ann@EXAMPLE.com").email == "Ann@example.com"


def test_create_superuser_is_staff_superuser_and_active():
    root = User.objects.create_superuser("root@example.com", DEFAULT_PASSWORD)

    assert (root.is_staff, root.is_superuser, root.is_active) == (True, True, True)


def test_create_superuser_cannot_be_talked_out_of_being_staff():
    root = User.objects.create_superuser("root@example.com", DEFAULT_PASSWORD, is_staff=False)

    assert root.is_staff is True


# --- Identity by email ----------------------------------------------------------------


def test_the_email_is_the_username_and_nothing_else_is_required():
    assert User.USERNAME_FIELD == "email"
    assert User.REQUIRED_FIELDS == []
    assert get_user_model() is User


def test_a_user_reads_as_its_email():
    assert str(UserFactory.build(email="ann@example.com")) == "ann@example.com"


def test_the_email_is_unique_in_any_letter_case_at_the_database_level():
    UserFactory(email="ann@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        # The manager and the serializer are bypassed: only the constraint stands.
        User.objects.bulk_create([User(email="ANN@example.com")])

    assert User.objects.count() == 1


def test_model_validation_reports_a_different_case_duplicate_as_a_field_error():
    UserFactory(email="ann@example.com")

    with pytest.raises(ValidationError, match="A user with this email already exists"):
        User(email="Ann@example.com").validate_constraints()


def login_request():
    """authenticate() gets the request, as the admin's login gives it (axes counts by it)."""
    return RequestFactory().post("/admin/login/")


def test_authenticate_finds_the_user_whatever_the_letter_case():
    ann = UserFactory(email="ann@example.com")

    assert authenticate(login_request(), email="ANN@example.com", password=DEFAULT_PASSWORD) == ann


def test_authenticate_returns_nobody_for_an_inactive_user():
    UserFactory(email="ann@example.com", unverified=True)

    assert authenticate(login_request(), email="ann@example.com", password=DEFAULT_PASSWORD) is None


# --- Migrations ------------------------------------------------------------------------


def test_the_first_users_migration_creates_the_user_model():
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    first = loader.disk_migrations[("users", "0001_initial")]

    assert first.initial is True
    created = [op.name for op in first.operations if op.__class__.__name__ == "CreateModel"]
    assert created == ["User"]


def test_django_admin_migrations_depend_on_the_first_users_migration():
    """``AUTH_USER_MODEL`` is set from the start: swapping it later is a migration nightmare."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)

    parents = {parent.key for parent in loader.graph.node_map[("admin", "0001_initial")].parents}

    assert ("users", "0001_initial") in parents


def test_the_users_migrations_match_the_models():
    out = StringIO()

    try:
        call_command("makemigrations", "users", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"the users models have changes without a migration:\n{out.getvalue()}")
