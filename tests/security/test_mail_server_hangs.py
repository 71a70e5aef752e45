"""A mail server that hangs holds up no registration: the email is an outbox message.

Before (issue 20): the verification email was sent inside the request. With a mail
server that stopped answering, registering took 30 s (``EMAIL_TIMEOUT``), and a
gunicorn worker timed out with an HTML 500. Now the email is written to the outbox
in the registration's transaction and handed to a worker after the COMMIT: the
request answers at once, and the email goes out when the mail server comes back.

Real parts: a Redis broker, a Celery worker (a thread of this process), and an SMTP
server of the test's own that takes the email and then says nothing until released.
Without a broker (``CELERY_BROKER_URL`` unset) the task still runs in the web
process right after the COMMIT (pattern 10): production runs a worker.
"""

import time

import pytest
from django.core import mail
from rest_framework.test import APIClient

from servers.celery import celery_on_broker, worker_thread
from servers.smtp import FakeMailServer
from shop.outbox.models import OutboxMessage
from testing.task_queue import TaskLedger

pytestmark = [
    pytest.mark.postgres(reason="a worker thread reads what the registration committed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def worker(redis_broker):
    redis_broker.flush()
    with celery_on_broker(redis_broker.url) as app, worker_thread(app):
        yield app


@pytest.fixture
def hanging_mail_server(settings):
    """SMTP on loopback that takes the first email and answers nothing until ``release()``."""
    with FakeMailServer(hold_first=True) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_TIMEOUT = 10
        yield server


def test_register_answers_at_once_and_the_email_goes_out_when_the_server_comes_back(
    worker, hanging_mail_server, settings
):
    with TaskLedger() as ledger:
        started = time.perf_counter()
        response = APIClient().post(
            "/api/auth/register/",
            {"email": "ann@example.com", "password": "a sturdy passphrase 4 tests"},
            format="json",
        )
        took = time.perf_counter() - started

        assert took < settings.EMAIL_TIMEOUT / 2, (
            f"registering took {took:.1f} s with a mail server that hangs: the request "
            f"waited on it (EMAIL_TIMEOUT is {settings.EMAIL_TIMEOUT} s)"
        )
        assert response.status_code == 202
        if not hanging_mail_server.first_received.wait(20):
            pytest.fail("the worker never reached the mail server")
        [message] = OutboxMessage.objects.all()
        assert message.delivered_at is None, "delivered while the mail server hangs"

        hanging_mail_server.release()  # the mail server comes back
        ledger.wait_until_idle()

    message.refresh_from_db()
    assert message.delivered_at is not None, f"not delivered: {message.last_error}"
    [received] = hanging_mail_server.received
    assert received["To"] == "ann@example.com"
    assert received["Subject"] == "Verify your email address"
    assert mail.outbox == []  # it crossed the socket
