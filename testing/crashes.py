"""Telling a crash from an answer, so a variant's 500 is never mistaken for its lesson.

An API test client that lets a 500 come back as a response (DRF's
``raise_request_exception=False``) is convenient for a red variant, and
dangerous: *any* crash becomes a 500 that an assertion then "expects", and an
exception handler may turn a crash into a 409 or a 503 that looks like an answer.

``CheckedClient`` sees the exception behind every response. An answer (a DRF
``APIException``, Django's ``Http404`` or ``PermissionDenied``, one of the
shop's ``DomainError``\\s) passes. Anything else is a crash, and fails the test
outright (``pytest.fail``, which no strict xfail accepts) unless the test named
it with ``expecting(...)``: the crash that *is* the lesson, such as a deleted
user's ``DoesNotExist`` or a deferred foreign key's ``IntegrityError``.

The exceptions are caught where DRF handles them (``APIView.handle_exception``),
per thread, so concurrent requests never see each other's crashes.
"""

import threading
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework.exceptions import APIException
from rest_framework.test import APIClient
from rest_framework.views import APIView

from shop.core.errors import DomainError

ANSWERS = (APIException, Http404, PermissionDenied, DomainError)

_seen = threading.local()


@contextmanager
def crashes_recorded():
    """Note, per thread, every exception a DRF view hands to its exception handler.

    Active around every test (the root ``conftest.py``).
    """
    handle_exception = APIView.handle_exception

    def noting(view, exc):
        _seen.exception = exc
        return handle_exception(view, exc)

    APIView.handle_exception = noting
    try:
        yield
    finally:
        APIView.handle_exception = handle_exception


class CheckedClient(APIClient):
    """An API client that returns a 500 as a response but fails the test on an unexpected crash.

    ``response.crash`` is the exception behind the response, or ``None`` for an
    answer; ``answer(response)`` describes both for an assertion message.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, raise_request_exception=False, **kwargs)
        self.expected: tuple[type[BaseException], ...] = ()

    def expecting(self, *crashes: type[BaseException]) -> "CheckedClient":
        """Let these exceptions (or exceptions caused by them) through as responses."""
        self.expected = crashes
        return self

    def request(self, **request):
        _seen.exception = None
        response = super().request(**request)
        exception, _seen.exception = _seen.exception, None
        response.crash = None if isinstance(exception, ANSWERS) else exception
        where = f"{request['REQUEST_METHOD']} {request['PATH_INFO']}"
        if response.crash is not None and not caused_by(response.crash, self.expected):
            pytest.fail(
                f"{where} crashed with {describe(response.crash)}; this test expects "
                f"{' or '.join(e.__name__ for e in self.expected) or 'no crash'}. "
                "A failure for another reason than the lesson.",
                pytrace=False,
            )
        if response.status_code >= 500 and exception is None:
            pytest.fail(
                f"{where} answered {response.status_code} outside DRF's view", pytrace=False
            )
        return response


def caused_by(exception: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    """Is ``exception``, or anything in its chain of causes, one of ``kinds``?"""
    seen, chain = exception, set()
    while seen is not None and id(seen) not in chain:
        if isinstance(seen, kinds):
            return True
        chain.add(id(seen))
        seen = seen.__cause__ or seen.__context__
    return False


def describe(exception: BaseException) -> str:
    """``TypeName: first line of the message``, with the SQLSTATE of a database error."""
    # ProtectedError and its kind carry the objects too: the message is enough.
    args = getattr(exception, "args", ())
    text = (args[0] if args and isinstance(args[0], str) else str(exception)).strip()
    first_line = text.splitlines()[0] if text else ""
    if len(first_line) > 160:
        first_line = first_line[:159] + "…"
    sqlstate = getattr(exception.__cause__, "sqlstate", None)
    if sqlstate:
        first_line += f" (SQLSTATE {sqlstate})"
    return f"{type(exception).__name__}: {first_line}" if first_line else type(exception).__name__


def answer(response) -> str:
    """A response in a few words: ``201``, ``409 insufficient_stock``, ``500 (IntegrityError: ...)``."""
    crash = getattr(response, "crash", None)
    if crash is not None:
        return f"{response.status_code} ({describe(crash)})"
    code = ""
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        code = body.get("code", "") if isinstance(body, dict) else ""
    return f"{response.status_code} {code}".strip()
