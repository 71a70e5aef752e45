"""Pattern 04: staff are never throttled; nobody else escapes a limit."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import path
from rest_framework.response import Response
from rest_framework.test import APIClient, override_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from kata.variants import Fails, Holds, Kata, load_variant, said
from shop.users.throttles import AdminExemptUserRateThrottle
from testing.urls import mount


def variant(module) -> SimpleNamespace:
    return SimpleNamespace(throttle_classes=module.THROTTLE_CLASSES, num_proxies=module.NUM_PROXIES)


SHOP = SimpleNamespace(
    throttle_classes=[AnonRateThrottle, AdminExemptUserRateThrottle],
    num_proxies=0,  # the shop's default NUM_PROXIES (tests/core/test_settings.py pins it)
)
kata = Kata(
    naive=variant(load_variant(__file__, "naive")),
    article=variant(load_variant(__file__, "article")),
    shop=SHOP,
)
FORGED_IDENTITY = "with NUM_PROXIES unset, DRF keys anonymous clients by X-Forwarded-For"
STAFF_COUNTED = "the stock UserRateThrottle counts staff like anyone else"

pytestmark = pytest.mark.django_db
LIMIT = 3


@pytest.fixture
def small_rates(monkeypatch):
    # DRF copies THROTTLE_RATES onto the class at import (encode/django-rest-framework#6030):
    # override_settings cannot change them, so patch the class.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": f"{LIMIT}/min", "user": f"{LIMIT}/min"}
    )


@pytest.fixture
def client(variant, settings, small_rates):
    """A tiny endpoint behind the variant's throttles and proxy setting."""

    class Ping(APIView):
        permission_classes = []
        throttle_classes = variant.throttle_classes

        def get(self, request):
            return Response({"pong": True})

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": variant.num_proxies}
    mount(settings, [path("ping/", Ping.as_view())])
    return APIClient()


@kata(
    naive=Fails(FORGED_IDENTITY), article=Fails(f"it never mentions NUM_PROXIES: {FORGED_IDENTITY}")
)
def test_rotating_x_forwarded_for_does_not_escape_the_anonymous_limit(client):
    statuses = [
        client.get("/ping/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(LIMIT + 2)
    ]

    assert 429 in statuses, said(
        f"sent {LIMIT + 2} anonymous requests, each with a new X-Forwarded-For",
        statuses,
        f"429 after the first {LIMIT}",
    )


@kata(naive=Fails(STAFF_COUNTED), article=Holds("allow_request returns True for staff"))
def test_staff_are_never_throttled(client, client_for, staff_user):
    staff = client_for(staff_user)

    statuses = [staff.get("/ping/").status_code for _ in range(LIMIT * 3)]

    assert set(statuses) == {200}, said(
        f"sent {LIMIT * 3} requests as staff with a limit of {LIMIT}", statuses, "only 200s"
    )


@kata(
    naive=Fails(STAFF_COUNTED),
    article=Holds("it returns before super().allow_request, which is what writes the history"),
)
def test_staff_requests_leave_no_counter_behind(client, client_for, staff_user):
    client_for(staff_user).get("/ping/")

    key = UserRateThrottle.cache_format % {"scope": "user", "ident": staff_user.pk}
    history = cache.get(key)
    assert history is None, said(
        "sent a request as staff", f"a throttle history of {len(history)} request(s)", "none"
    )


@kata(naive=Holds("UserRateThrottle counts customers"), article=Holds("customers reach super()"))
def test_a_customer_past_the_limit_gets_429_with_retry_after(client, client_for, user):
    customer = client_for(user)
    responses = [customer.get("/ping/") for _ in range(LIMIT + 1)]

    statuses = [r.status_code for r in responses]
    assert statuses == [200] * LIMIT + [429], said(
        f"sent {LIMIT + 1} requests as a customer with a limit of {LIMIT}", statuses, "429 last"
    )
    assert int(responses[-1]["Retry-After"]) > 0
    assert responses[-1].json()["code"] == "throttled"


def test_override_settings_does_not_change_throttle_rates():
    """Why the fixtures patch the class: DRF read the rates once, at import."""
    with override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"anon": "1/day"}}):
        assert AnonRateThrottle().rate != "1/day"
