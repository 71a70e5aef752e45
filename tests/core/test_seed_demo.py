from io import StringIO

import pytest
from django.core.management import call_command

from shop.products.models import SKU, Product
from shop.users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True  # a local demo; production is refused (tests/security)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_is_safe_to_run_twice():
    seed()
    counts = (User.objects.count(), Product.objects.count(), SKU.objects.count())

    output = seed()

    assert (User.objects.count(), Product.objects.count(), SKU.objects.count()) == counts
    assert "Demo data ready." in output


def test_the_demo_logins_it_prints_work(api_client):
    output = seed()

    for line in output.splitlines():
        if " login: " in line:
            email, password = line.split(" login: ")[1].split(" / ")
            response = api_client.post("/api/auth/token/", {"email": email, "password": password})
            assert response.status_code == 200, line


def test_the_demo_catalogue_is_on_sale(api_client):
    seed()

    assert api_client.get("/api/products/").json()["count"] == Product.objects.count() > 0
