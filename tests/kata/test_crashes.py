"""CheckedClient: a crash is never taken for an answer, nor for the lesson."""

import pytest
from django.db import IntegrityError
from django.urls import path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from shop.checkouts.errors import EmptyCart
from testing.concurrency import run_concurrently
from testing.crashes import CheckedClient, answer, crashes_recorded
from testing.urls import mount


class Open(APIView):
    authentication_classes: list = []
    permission_classes: list = []


class Crashes(Open):
    def get(self, request):
        raise KeyError("a bug, not the lesson")


class ConflictsInTheDatabase(Open):
    """A crash that an exception handler answers with 409, as the shop's does an IntegrityError."""

    def get(self, request):
        raise IntegrityError("duplicate key value violates unique constraint")

    def get_exception_handler(self):
        return lambda exc, context: Response({"detail": "conflict", "code": "conflict"}, status=409)


class Refuses(Open):
    def get(self, request):
        raise EmptyCart()


class Answers(Open):
    def get(self, request):
        return Response({"ok": True})


@pytest.fixture(autouse=True)
def site(settings):
    mount(
        settings,
        [
            path("crashes/", Crashes.as_view()),
            path("conflicts/", ConflictsInTheDatabase.as_view()),
            path("refuses/", Refuses.as_view()),
            path("answers/", Answers.as_view()),
        ],
    )
    with crashes_recorded():
        yield


def test_a_plain_client_lets_any_crash_pass_for_a_500():
    """The hole CheckedClient closes: this 500 would satisfy `assert status == 500`."""
    assert APIClient(raise_request_exception=False).get("/crashes/").status_code == 500


def test_a_crash_the_test_did_not_name_fails_it_outright():
    with pytest.raises(pytest.fail.Exception, match="crashed with KeyError"):
        CheckedClient().get("/crashes/")


def test_a_crash_an_exception_handler_dressed_as_409_fails_it_too():
    with pytest.raises(pytest.fail.Exception, match="crashed with IntegrityError"):
        CheckedClient().get("/conflicts/")


def test_the_crash_a_test_names_comes_back_as_a_response_with_its_cause():
    response = CheckedClient().expecting(IntegrityError).get("/conflicts/")

    assert (response.status_code, type(response.crash)) == (409, IntegrityError)
    assert answer(response).startswith("409 (IntegrityError: duplicate key value")


def test_answers_are_not_crashes():
    client = CheckedClient()

    refused, answered = client.get("/refuses/"), client.get("/answers/")

    assert (answer(refused), refused.crash) == ("400 empty_cart", None)
    assert (answer(answered), answered.crash) == ("200", None)


def test_threads_see_only_their_own_crashes():
    def call(url, *expected):
        return lambda: CheckedClient().expecting(*expected).get(url)

    responses = run_concurrently(
        [call("/crashes/", KeyError), call("/answers/"), call("/crashes/", KeyError)] * 3
    )

    assert [answer(r).split(" (")[0] for r in responses] == ["500", "200", "500"] * 3
