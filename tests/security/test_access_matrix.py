"""Who may call what: every endpoint of api.md against every kind of caller, as one table.

The callers:

- ``anonymous``: no ``Authorization`` header.
- ``unverified``: an account that never verified its email, so it never got a
  token; modelled as an access token minted directly while the account is inactive.
- ``customer A``: a verified customer, the owner of the cart, the item and the order.
- ``customer B``: another verified customer, a stranger to A's objects.
- ``staff``: a verified staff member (who owns no cart or order either).
- ``deactivated``: a token minted while active, then the account was deactivated.

The conventions under test (api.md): 401 not authenticated, 403 authenticated but
not allowed, 404 does not exist *or is not yours*. So a stranger's (and staff's)
request about A's cart or order is a 404, never a 403, and a refused request
changes nothing in the database.

A token that no longer authenticates anyone (``unverified``, ``deactivated``) is
a 401 wherever authentication runs, also on the public catalogue: the client
learns its token is dead. The endpoints that anonymous clients call (health, the
schema and its docs page, and the identity endpoints that issue or verify
credentials) ignore the header: what they answer does not depend on who asks.
"""

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from rest_framework.test import APIClient

from shop.carts.models import Cart, CartItem
from shop.orders.models import Order, OrderItem
from shop.products.models import SKU, Product
from shop.users.models import User
from shop.users.serializers import ActiveUserTokenObtainPairSerializer
from testing.factories import (
    DEFAULT_PASSWORD,
    CartFactory,
    CartItemFactory,
    OrderFactory,
    OrderItemFactory,
    ProductFactory,
    SKUFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "unverified", "customer A", "customer B", "staff", "deactivated")

# fmt: off
# One row per endpoint, one column per role, in the order of ROLES. The path names
# the objects it is about; "A's ..." objects belong to customer A.
MATRIX = [
    # method    path                                         anon unver  A    B  staff deact
    ("GET",    "/api/health/",                                200, 200, 200, 200, 200, 200),
    # the schema is public and the same for everyone: a dead token must not block it
    ("GET",    "/api/schema/",                                200, 200, 200, 200, 200, 200),
    ("GET",    "/api/docs/",                                  200, 200, 200, 200, 200, 200),
    # identity: anonymous endpoints ignore the Authorization header altogether
    ("POST",   "/api/auth/register/",                         202, 202, 202, 202, 202, 202),
    ("POST",   "/api/auth/verify-email/",                     400, 400, 400, 400, 400, 400),
    ("POST",   "/api/auth/resend-verification/",              202, 202, 202, 202, 202, 202),
    ("POST",   "/api/auth/password-reset/",                   202, 202, 202, 202, 202, 202),
    ("POST",   "/api/auth/password-reset/confirm/",           400, 400, 400, 400, 400, 400),
    # a password change needs a live login and the current password
    ("POST",   "/api/auth/password/",                         401, 401, 204, 204, 204, 401),
    ("POST",   "/api/auth/token/",                            401, 401, 200, 200, 200, 401),
    ("POST",   "/api/auth/token/refresh/",                    400, 401, 200, 200, 200, 401),
    # logout only ever takes rights away: whoever holds a refresh token may revoke it
    ("POST",   "/api/auth/logout/",                           400, 205, 205, 205, 205, 205),
    ("GET",    "/api/auth/me/",                               401, 401, 200, 200, 200, 401),
    # catalogue: anyone reads active products; staff write and see archived ones
    ("GET",    "/api/products/",                              200, 401, 200, 200, 200, 401),
    ("POST",   "/api/products/",                              401, 401, 403, 403, 201, 401),
    ("GET",    "/api/products/{product}/",                    200, 401, 200, 200, 200, 401),
    ("GET",    "/api/products/{archived product}/",           404, 401, 404, 404, 200, 401),
    ("PATCH",  "/api/products/{product}/",                    401, 401, 403, 403, 200, 401),
    ("DELETE", "/api/products/{product}/",                    401, 401, 403, 403, 204, 401),
    ("PATCH",  "/api/skus/{sku}/",                            401, 401, 403, 403, 200, 401),
    # carts: only the owner ever sees or changes one; anyone else gets a 404
    ("POST",   "/api/carts/",                                 401, 401, 201, 201, 201, 401),
    ("GET",    "/api/carts/{A's cart}/",                      401, 401, 200, 404, 404, 401),
    ("POST",   "/api/carts/{A's cart}/items/",                401, 401, 201, 404, 404, 401),
    ("PATCH",  "/api/carts/{A's cart}/items/{A's item}/",     401, 401, 200, 404, 404, 401),
    ("DELETE", "/api/carts/{A's cart}/items/{A's item}/",     401, 401, 204, 404, 404, 401),
    ("POST",   "/api/checkouts/",                             401, 401, 201, 404, 404, 401),
    # orders: your own only; immutable for everyone
    ("GET",    "/api/orders/",                                401, 401, 200, 200, 200, 401),
    ("GET",    "/api/orders/{A's order}/",                    401, 401, 200, 404, 404, 401),
    ("PUT",    "/api/orders/{A's order}/",                    401, 401, 405, 405, 405, 401),
    ("PATCH",  "/api/orders/{A's order}/",                    401, 401, 405, 405, 405, 401),
    ("DELETE", "/api/orders/{A's order}/",                    401, 401, 405, 405, 405, 401),
]
# fmt: on


class World:
    """The objects the table talks about, and one caller per role."""

    def __init__(self):
        self.a = UserFactory()
        self.b = UserFactory()
        self.staff = UserFactory(staff=True)
        self.unverified = UserFactory(unverified=True)
        self.deactivated = UserFactory()

        self.product = ProductFactory(skus=1)
        self.sku = self.product.skus.get()
        self.archived = ProductFactory(archived=True, skus=1)
        self.cart = CartFactory(user=self.a)
        self.item = CartItemFactory(cart=self.cart, sku=self.sku, quantity=2)
        self.order = OrderFactory(user=self.a)
        OrderItemFactory(order=self.order, sku=SKUFactory())

        users = {
            "unverified": self.unverified,
            "customer A": self.a,
            "customer B": self.b,
            "staff": self.staff,
            "deactivated": self.deactivated,
        }
        self.access_tokens = {}
        self.refresh_tokens = {}
        self.emails = {"anonymous": "nobody@example.com"}
        for role, user in users.items():
            refresh = ActiveUserTokenObtainPairSerializer.get_token(user)
            self.access_tokens[role] = str(refresh.access_token)
            self.refresh_tokens[role] = str(refresh)
            self.emails[role] = user.email
        # Tokens first, then the deactivation: they are still within their lifetime.
        self.deactivated.is_active = False
        self.deactivated.save(update_fields=["is_active"])

    def client(self, role: str) -> APIClient:
        """A new client for each request: no cookie carried over from another test."""
        client = APIClient()
        if role != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.access_tokens[role]}")
        return client

    def path(self, template: str) -> str:
        return template.format(
            **{
                "product": self.product.pk,
                "archived product": self.archived.pk,
                "sku": self.sku.pk,
                "A's cart": self.cart.pk,
                "A's item": self.item.pk,
                "A's order": self.order.pk,
            }
        )

    def body(self, method: str, template: str, role: str) -> dict | None:
        """A valid body for the request, so that only the caller decides the answer."""
        bodies = {
            ("POST", "/api/auth/register/"): {
                "email": f"new-{role.replace(' ', '-')}@example.com",
                "password": "a long and unusual passphrase",
            },
            ("POST", "/api/auth/verify-email/"): {"uid": "MQ", "token": "not-a-token"},
            ("POST", "/api/auth/resend-verification/"): {"email": self.emails[role]},
            ("POST", "/api/auth/password-reset/"): {"email": self.emails[role]},
            ("POST", "/api/auth/password-reset/confirm/"): {
                "uid": "MQ",
                "token": "not-a-token",
                "password": "a long and unusual passphrase",
            },
            ("POST", "/api/auth/password/"): {
                "current_password": DEFAULT_PASSWORD,
                "new_password": "a long and unusual passphrase",
            },
            ("POST", "/api/auth/token/"): {
                "email": self.emails[role],
                "password": DEFAULT_PASSWORD,
            },
            ("POST", "/api/auth/token/refresh/"): {"refresh": self.refresh_tokens.get(role, "")},
            ("POST", "/api/auth/logout/"): {"refresh": self.refresh_tokens.get(role, "")},
            ("POST", "/api/products/"): {
                "name": "New product",
                "description": "",
                "skus": [{"code": "NEW-1", "price": "3.00", "stock": 1}],
            },
            ("PATCH", "/api/products/{product}/"): {"name": "Renamed"},
            ("PATCH", "/api/skus/{sku}/"): {"price": "1.00", "stock": 99},
            ("POST", "/api/carts/{A's cart}/items/"): {"sku_id": self.sku.pk, "quantity": 1},
            ("PATCH", "/api/carts/{A's cart}/items/{A's item}/"): {"quantity": 7},
            ("POST", "/api/checkouts/"): {"cart_id": self.cart.pk},
            ("PUT", "/api/orders/{A's order}/"): {"status": "cancelled"},
            ("PATCH", "/api/orders/{A's order}/"): {"status": "cancelled"},
        }
        return bodies.get((method, template))


def database_state() -> dict[str, list[dict]]:
    """Every row the API could change, as plain values (a user's groups and permissions too)."""
    models = [User, Product, SKU, Cart, CartItem, Order, OrderItem]
    return {
        model.__name__: [
            model_to_dict(row)
            for row in model.objects.order_by("pk").prefetch_related(
                *(field.name for field in model._meta.many_to_many)
            )
        ]
        for model in models
    }


def cell_id(method: str, template: str, role: str, expected: int) -> str:
    return f"{method} {template} as {role} -> {expected}"


CELLS = [
    pytest.param(method, template, role, expected, id=cell_id(method, template, role, expected))
    for method, template, *statuses in MATRIX
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, as Django's ``TestCase.setUpTestData`` builds its data.

    In a transaction rolled back after the module's last test; each test runs in a
    savepoint inside it (pytest-django's own transaction per test), rolled back when
    the test ends, so every test starts from this same world, whatever the one before
    it changed.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


@pytest.mark.parametrize(("method", "template", "role", "expected"), CELLS)
def test_access_matrix(world, method, template, role, expected):
    path = world.path(template)
    # A read, or a refusal, must leave every row as it was; what a granted write changes
    # is the business of the endpoint's own tests.
    changes_nothing = method == "GET" or expected >= 400
    before = database_state() if changes_nothing else None

    response = getattr(world.client(role), method.lower())(
        path, world.body(method, template, role), format="json"
    )

    assert response.status_code == expected, (
        f"{method} {path} as {role} answered {response.status_code}, expected {expected}: "
        f"{response.content[:300]!r}"
    )
    if expected >= 400:
        assert "application/json" in response["Content-Type"], "every error is JSON"
    if expected in (401, 403, 404, 405):
        assert set(response.json()) == {"detail", "code"}
    if changes_nothing:
        assert database_state() == before, (
            "a read changes nothing"
            if method == "GET"
            else f"a refused {method} must change nothing"
        )


# --- Customer B never sees anything of A's ------------------------------------------------


def test_a_strangers_order_list_holds_none_of_the_owners_orders(world):
    response = world.client("customer B").get("/api/orders/")

    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert world.client("customer A").get("/api/orders/").json()["results"][0]["id"] == (
        world.order.pk
    )


@pytest.mark.parametrize(
    "template",
    ["/api/carts/{A's cart}/", "/api/orders/{A's order}/"],
    ids=["cart", "order"],
)
def test_a_strangers_404_is_the_same_as_for_an_object_that_does_not_exist(world, template):
    """Not only the status: the body must not tell "not yours" from "no such thing"."""
    stranger = world.client("customer B")
    missing = template.replace("{A's cart}", "999999").replace("{A's order}", "999999")

    foreign = stranger.get(world.path(template))
    unknown = stranger.get(missing)

    assert (foreign.status_code, foreign.json()) == (unknown.status_code, unknown.json())
