"""Every error code the API documents is one some test has seen: a pytest plugin.

The OpenAPI schema names the codes an operation may answer (`code: empty_cart`
in a response's description). A documented code that no request in the suite
ever gets back is a promise nothing checks, or a code the shop never sends (the
schema documented ``idempotency_key_in_use`` for months before anything raised
it). So every response the test client gets is read for its ``code``, and at the
end of a run of the whole suite (no paths, no ``-k`` or ``-m``, nothing failed)
the documented codes that no test saw fail the run, named.

Registered in pyproject.toml (``-p testing.error_codes``). Under xdist each worker
sends the codes it saw to the controller, which compares them.
"""

import json
import re

import pytest

SEEN = "error_codes_seen"  # the key in an xdist worker's output
DOCUMENTED = re.compile(r"`code: ([a-z_]+)`")

seen: set[str] = set()


def documented_codes() -> dict[str, list[str]]:
    """Each code the schema's response descriptions name -> where ("POST /api/checkouts/ 409")."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    where: dict[str, list[str]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                for code in DOCUMENTED.findall(response.get("description", "")):
                    where.setdefault(code, []).append(f"{method.upper()} {path} {status}")
    return where


def note(response) -> None:
    """Remember the ``code`` of an error response, if it has one."""
    if response.status_code < 400 or "json" not in response.get("Content-Type", ""):
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        seen.add(body["code"])


def pytest_configure(config: pytest.Config) -> None:
    from django.test import Client

    request = Client.request

    def noting(client, **kwargs):
        response = request(client, **kwargs)
        note(response)
        return response

    Client.request = noting  # APIClient's requests end here too
    config.add_cleanup(lambda: setattr(Client, "request", request))


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workeroutput"):  # an xdist worker: tell the controller
        session.config.workeroutput[SEEN] = sorted(seen)
        return
    if not whole_suite(session) or session.testsfailed or session.shouldfail:
        return
    missing = {code: where for code, where in documented_codes().items() if code not in seen}
    if missing:
        session.config.stash[MISSING] = missing
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """xdist: a worker finished; keep the codes it saw."""
    seen.update(getattr(node, "workeroutput", {}).get(SEEN, []))


def whole_suite(session: pytest.Session) -> bool:
    """The run is the whole suite: pyproject's testpaths, nothing selected away."""
    config = session.config
    return (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not config.getoption("keyword")
        and not config.getoption("markexpr")
        and not config.getoption("deselect")
        and not config.getoption("lf", False)
        and not config.getoption("collectonly")
        and session.testscollected > 0
    )


MISSING = pytest.StashKey[dict[str, list[str]]]()


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    missing = config.stash.get(MISSING, None)
    if not missing:
        return
    terminalreporter.section("documented error codes no test produced", red=True)
    for code, where in sorted(missing.items()):
        terminalreporter.line(
            f"{code}: documented for {', '.join(where)}, but no response in the suite "
            "carried it. Test it, or take it out of the schema."
        )
