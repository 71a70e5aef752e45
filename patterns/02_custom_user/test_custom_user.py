"""Pattern 02: a custom user from day one, with email unique whatever its case."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from kata.variants import Fails, Holds, Kata, load_variant, said

User = get_user_model()
NAIVE = load_variant(__file__, "naive").NaiveUser
# The naive model *is* the article's: its snippet and its three bullets, typed in.
kata = Kata(naive=NAIVE, article=NAIVE, shop=User)
BYTES = "unique=True compares bytes, and normalize_email lowercases only the domain"
NATURAL_KEY = "the default natural-key lookup is exact: another case finds nobody"
IN_THE_SNIPPET = "the article's model says so"


@pytest.fixture
def user_model(variant, db):
    """The variant's model, with a table: the naive one gets a table for this test only."""
    if variant is not User:
        with connection.schema_editor() as editor:
            editor.create_model(variant)  # rolled back with the test's transaction
    return variant


POSTGRES = pytest.mark.postgres(
    reason="the naive model's table is created inside the test transaction"
)


@POSTGRES
@kata(naive=Fails(BYTES), article=Fails(BYTES))
def test_one_account_per_address_whatever_the_letter_case(user_model):
    user_model.objects.create_user("Ann.Lee@Example.com")

    try:
        with transaction.atomic():
            user_model.objects.create_user("ann.lee@example.com")
        refused = False
    except IntegrityError:
        refused = True

    assert refused, said(
        'created "Ann.Lee@Example.com" then "ann.lee@example.com"',
        "two accounts",
        "the database to refuse the second",
    )


@POSTGRES
@kata(naive=Fails(NATURAL_KEY), article=Fails(NATURAL_KEY))
def test_login_finds_the_account_whatever_the_letter_case(user_model):
    ann = user_model.objects.create_user("ann.lee@example.com", password="s3cret-enough")

    try:
        found = user_model._default_manager.get_by_natural_key("ANN.LEE@example.com")
    except user_model.DoesNotExist:
        found = None

    assert found == ann, said('looked up "ANN.LEE@example.com" to log in', found, ann)


@POSTGRES
@kata(naive=Holds(IN_THE_SNIPPET), article=Holds("is_active = False by default"))
def test_a_new_account_is_inactive_until_verified(user_model):
    user = user_model.objects.create_user("new@example.com", password="s3cret-enough")

    assert user.is_active is False, said("created an account", "an active one", "inactive")


@POSTGRES
@kata(naive=Holds(IN_THE_SNIPPET), article=Holds("set_unusable_password() in create_user"))
def test_an_account_created_without_a_password_cannot_log_in_with_one(user_model):
    user = user_model.objects.create_user("social@example.com")

    usable = (user.has_usable_password(), user.check_password(""))
    assert usable == (False, False), said(
        "created an account without a password",
        f"(has a usable password, accepts an empty one) = {usable}",
        (False, False),
    )


@kata(naive=Holds(IN_THE_SNIPPET), article=Holds('USERNAME_FIELD = "email", REQUIRED_FIELDS = []'))
def test_email_is_the_username_and_nothing_else_is_required(variant):
    fields = (variant.USERNAME_FIELD, variant.REQUIRED_FIELDS)
    assert fields == ("email", []), said("read the user model", fields, ("email", []))
