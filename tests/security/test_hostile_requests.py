"""What reaches Django before any view: hostile bodies and headers get JSON 4xx answers.

Every error under /api/ is JSON (api.md, Conventions), including the ones
Django answers itself before DRF sees the request: a Host not allowed, a body
over the upload limit, an unknown URL. And no body, however built, is a 500.
"""

import pytest
from django.test import Client
from django.urls import path

from shop.users.models import User

pytestmark = pytest.mark.django_db

DEEPLY_NESTED = "[" * 100_000


def assert_json_error(response, status: int, code: str) -> None:
    assert response.status_code == status, (
        f"got {response.status_code} {response.get('Content-Type')}, expected {status}"
    )
    assert response["Content-Type"] == "application/json", (
        f"got a {response['Content-Type']} error page, expected JSON"
    )
    body = response.json()
    assert body.get("code") == code, f"got {body}, expected code {code!r}"
    assert isinstance(body.get("detail"), str)


# --- Deeply nested JSON: Python's parser gives up with RecursionError -----------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/auth/register/",
        "/api/auth/token/",
        "/api/auth/token/refresh/",
        "/api/auth/resend-verification/",
        "/api/auth/verify-email/",
        "/api/auth/logout/",
    ],
)
def test_deeply_nested_json_before_login_is_a_400(url):
    client = Client(raise_request_exception=False)

    response = client.post(url, DEEPLY_NESTED, content_type="application/json")

    assert_json_error(response, 400, "parse_error")
    assert User.objects.count() == 0


@pytest.mark.parametrize("url", ["/api/checkouts/", "/api/products/"])
def test_deeply_nested_json_after_login_is_a_400(client_for, staff_user, url):
    client = client_for(staff_user)
    client.raise_request_exception = False

    response = client.post(url, DEEPLY_NESTED, content_type="application/json")

    assert_json_error(response, 400, "parse_error")


# --- A body over the upload limit ---------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/auth/register/", "/api/auth/token/"])
def test_a_body_over_the_upload_limit_is_a_413(settings, url):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(raise_request_exception=False)
    body = '{"email": "a@example.com", "password": "' + "x" * 2000 + '"}'

    response = client.post(url, body, content_type="application/json")

    assert_json_error(response, 413, "request_too_large")
    assert User.objects.count() == 0


def test_a_body_under_the_upload_limit_is_read(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(raise_request_exception=False)

    response = client.post(
        "/api/auth/register/",
        '{"email": "a@example.com", "password": "a sturdy passphrase 4 tests"}',
        content_type="application/json",
    )

    assert response.status_code == 202


# --- Django's own error pages ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/health/", "/api/products/", "/admin/login/"])
def test_a_host_not_allowed_is_a_json_400(url):
    client = Client(raise_request_exception=False)

    response = client.get(url, HTTP_HOST="evil.example.com")

    assert_json_error(response, 400, "bad_request")


def test_an_unknown_url_is_a_json_404():
    response = Client(raise_request_exception=False).get("/api/no-such-thing/")

    assert_json_error(response, 404, "not_found")


def test_a_method_not_allowed_is_a_json_405(customer_client):
    response = customer_client.put("/api/health/", {}, format="json")

    assert_json_error(response, 405, "method_not_allowed")


def crash(request):
    raise RuntimeError("a bug")


def refuse(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def suspicious(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("a forged something")


urlpatterns = [
    path("api/crash/", crash),
    path("api/refuse/", refuse),
    path("api/suspicious/", suspicious),
]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/crash/", 500, "server_error"),
        ("/api/refuse/", 403, "permission_denied"),
        ("/api/suspicious/", 400, "bad_request"),
    ],
)
def test_errors_django_renders_itself_are_json(settings, url, status, code):
    """Plain Django views (not DRF) raising: Django's handler400/403/500 pages."""
    from django.urls import clear_url_caches

    import shop.urls

    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {
            "urlpatterns": urlpatterns + shop.urls.urlpatterns,
            **{
                f"handler{n}": getattr(shop.urls, f"handler{n}", None) for n in (400, 403, 404, 500)
            },
        },
    )
    clear_url_caches()
    response = Client(raise_request_exception=False).get(url)

    assert_json_error(response, status, code)
