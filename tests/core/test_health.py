from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_health_reports_ok_with_a_reachable_database(api_client):
    response = api_client.get("/api/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_answers_503_when_the_database_is_unreachable(api_client):
    with mock.patch("shop.core.views.connection.cursor", side_effect=OperationalError("gone")):
        response = api_client.get("/api/health/")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
