import pytest

from shop.users.models import User
from testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


def test_staff_add_an_account_by_email_in_the_admin(admin_client):
    password = "a-very-long-pass-123"
    response = admin_client.post(
        "/admin/users/user/add/",
        {
            "email": "neu@example.com",
            "password1": password,
            "password2": password,
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    assert User.objects.get(email="neu@example.com").check_password(password)


def test_the_admin_refuses_an_address_taken_in_another_case(admin_client):
    UserFactory(email="ann@example.com")
    password = "a-very-long-pass-123"

    response = admin_client.post(
        "/admin/users/user/add/",
        {
            "email": "ANN@example.com",
            "password1": password,
            "password2": password,
            "usable_password": "true",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert User.objects.filter(email__iexact="ann@example.com").count() == 1


def test_the_admin_user_list_searches_by_email(admin_client):
    UserFactory(email="findme@example.com")

    response = admin_client.get("/admin/users/user/", {"q": "findme"})

    assert response.status_code == 200
    assert b"findme@example.com" in response.content
