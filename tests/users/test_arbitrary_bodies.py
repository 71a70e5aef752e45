"""Any JSON body at all: never a 5xx, always JSON, and nothing written unless created.

"Bad input gets a 4xx, never a 500, and changes nothing" (api.md, Conventions),
checked for arbitrary JSON documents, not only the cases we thought of.
"""

import json

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from shop.users.models import User
from testing.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Arbitrary JSON, plus bodies shaped like the real thing so that some examples
# get past validation: real addresses (st.emails()), a known password.
EMAILS = st.sampled_from(
    ["ann@example.com", "ANN@EXAMPLE.COM", "bob@example.com", "new@example.com", "ann@bücher.de"]
)
PASSWORDS = st.sampled_from([DEFAULT_PASSWORD, "a sturdy passphrase 4 tests", ""])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300)
KEYS = st.sampled_from(["email", "password"]) | st.text(max_size=20)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=12,
)
BODIES = st.one_of(
    JSON_VALUES,
    st.dictionaries(KEYS, JSON_VALUES, max_size=4),
    st.fixed_dictionaries(
        {
            "email": st.one_of(EMAILS, st.emails(), JSON_VALUES),
            "password": st.one_of(PASSWORDS, st.text(min_size=8, max_size=140), JSON_VALUES),
        }
    ),
)


@pytest.fixture
def accounts(db):
    """A verified and an unverified account, so logins can succeed or be refused."""
    UserFactory(email="ann@example.com")
    UserFactory(email="bob@example.com", unverified=True)


def post_and_check(api_client, url: str, body) -> None:
    # json.dumps allows NaN and Infinity, which the server must refuse as invalid JSON.
    raw = json.dumps(body)
    with transaction.atomic():  # a savepoint: each example undoes its own writes
        cache.clear()  # throttle counters
        mail.outbox.clear()
        users_before = User.objects.count()

        response = api_client.post(url, raw, content_type="application/json")

        assert response.status_code < 500, (
            f"POST {url} {raw[:200]} answered {response.status_code}: bad input must get a 4xx"
        )
        assert response["Content-Type"] == "application/json"
        json.loads(response.content)  # the body parses as JSON
        if response.status_code != 202:  # register: a 202 may have created the account
            assert User.objects.count() == users_before, (
                f"POST {url} {raw[:200]} answered {response.status_code} but created a user"
            )
        transaction.set_rollback(True)


@given(body=BODIES)
def test_register_answers_any_json_body_with_json_and_never_a_5xx(api_client, accounts, body):
    post_and_check(api_client, "/api/auth/register/", body)


@given(body=BODIES)
def test_token_answers_any_json_body_with_json_and_never_a_5xx(api_client, accounts, body):
    post_and_check(api_client, "/api/auth/token/", body)
