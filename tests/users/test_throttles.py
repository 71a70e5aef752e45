"""Throttling, shop side (pattern 04): staff exempt, customers and strangers limited.

Rates are patched on the throttle class (``throttle_rates``): DRF reads them at
import, encode/django-rest-framework#6030. The root conftest clears the cache,
where the counters live, around every test.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIRequestFactory

from shop.users.throttles import AdminExemptUserRateThrottle
from testing.factories import UserFactory

pytestmark = pytest.mark.django_db

ME_URL = "/api/auth/me/"
# An endpoint anonymous clients may call that writes nothing.
ANON_URL = "/api/auth/resend-verification/"


def anonymous_post(client, **extra):
    return client.post(ANON_URL, {"email": "nobody@example.com"}, format="json", **extra)


@pytest.fixture
def with_num_proxies(settings):
    """``with_num_proxies(n)``: DRF reloads ``api_settings`` on ``setting_changed``."""

    def set_num_proxies(count: int) -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return set_num_proxies


# --- Per user ------------------------------------------------------------------------


def test_staff_are_never_throttled(client_for, staff_user, throttle_rates):
    throttle_rates(user="2/min")
    client = client_for(staff_user)

    statuses = [client.get(ME_URL).status_code for _ in range(10)]

    assert statuses == [200] * 10, f"staff were throttled: {statuses}"


def test_staff_requests_leave_no_throttle_counter(client_for, staff_user, throttle_rates):
    throttle_rates(user="2/min")

    client_for(staff_user).get(ME_URL)

    assert cache.get(f"throttle_user_{staff_user.pk}") is None, (
        "a counter was written for staff: get_cache_key must return None for them"
    )


def test_staff_are_skipped_by_get_cache_key_returning_none(staff_user):
    """DRF's documented way to skip a throttle (pattern 04), not an override of allow_request."""
    request = APIRequestFactory().get(ME_URL)
    request.user = staff_user

    assert AdminExemptUserRateThrottle().get_cache_key(request, view=None) is None


def test_customers_get_429_with_retry_after_past_the_user_rate(client_for, user, throttle_rates):
    throttle_rates(user="2/min")
    client = client_for(user)
    assert [client.get(ME_URL).status_code for _ in range(2)] == [200, 200]

    response = client.get(ME_URL)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_one_customer_spending_the_budget_leaves_another_untouched(
    client_for, user, throttle_rates
):
    throttle_rates(user="2/min")
    greedy = client_for(user)
    for _ in range(3):
        greedy.get(ME_URL)

    response = client_for(UserFactory()).get(ME_URL)

    assert response.status_code == 200


# --- Anonymous -----------------------------------------------------------------------


def test_anonymous_clients_get_429_with_retry_after_past_the_anon_rate(api_client, throttle_rates):
    throttle_rates(anon="3/min")
    assert [anonymous_post(api_client).status_code for _ in range(3)] == [202] * 3

    response = anonymous_post(api_client)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_health_is_never_throttled_so_load_balancers_can_poll_it(api_client, throttle_rates):
    throttle_rates(anon="1/min", user="1/min")

    statuses = [api_client.get("/api/health/").status_code for _ in range(5)]

    assert statuses == [200] * 5


# --- X-Forwarded-For ----------------------------------------------------------------


def test_rotating_x_forwarded_for_does_not_escape_the_anon_limit_without_proxies(
    api_client, throttle_rates
):
    throttle_rates(anon="3/min")
    for n in range(3):
        anonymous_post(api_client, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = anonymous_post(api_client, HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert response.status_code == 429, (
        "a new X-Forwarded-For value bought a fresh budget: with NUM_PROXIES=0 "
        "the header must be ignored"
    )


def test_with_one_proxy_the_last_forwarded_address_is_the_client(
    api_client, throttle_rates, with_num_proxies
):
    throttle_rates(anon="3/min")
    with_num_proxies(1)
    # The proxy appends the address it saw; anything before it the client wrote itself.
    for n in range(3):
        anonymous_post(api_client, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7")

    response = anonymous_post(api_client, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")

    assert response.status_code == 429, (
        "spoofed entries before the proxy's own bought a fresh budget"
    )


def test_with_one_proxy_each_client_behind_it_has_its_own_budget(
    api_client, throttle_rates, with_num_proxies
):
    throttle_rates(anon="3/min")
    with_num_proxies(1)
    for _ in range(3):
        anonymous_post(api_client, HTTP_X_FORWARDED_FOR="203.0.113.7")

    response = anonymous_post(api_client, HTTP_X_FORWARDED_FOR="203.0.113.8")

    assert response.status_code == 202, "another client behind the proxy was throttled"


# --- The register scope: every request that may send an email -----------------------------


def test_registrations_resends_and_reset_requests_share_one_budget_per_client(
    api_client, throttle_rates
):
    """120 registrations from one address sent 120 emails in 32 s (issue 20)."""
    throttle_rates(register="3/hour")
    body = {"email": "victim@example.com"}
    answers = [
        api_client.post(
            "/api/auth/register/", {**body, "password": "a sturdy pass 42"}
        ).status_code,
        api_client.post("/api/auth/resend-verification/", body).status_code,
        api_client.post("/api/auth/password-reset/", body).status_code,
    ]

    response = api_client.post("/api/auth/password-reset/", body)

    assert answers == [202, 202, 202]
    assert response.status_code == 429, (
        f"the 4th mail-sending request from one client with a register rate of 3/hour "
        f"answered {response.status_code}, expected 429"
    )
    assert 0 < int(response["Retry-After"]) <= 3600


def test_another_client_keeps_its_own_register_budget(throttle_rates):
    from rest_framework.test import APIClient

    throttle_rates(register="1/hour")
    APIClient(REMOTE_ADDR="203.0.113.1").post("/api/auth/password-reset/", {"email": "a@x.io"})

    response = APIClient(REMOTE_ADDR="203.0.113.2").post(
        "/api/auth/password-reset/", {"email": "a@x.io"}
    )

    assert response.status_code == 202
