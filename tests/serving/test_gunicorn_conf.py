"""gunicorn.conf.py reads its sizes from the environment (README, "Running in production")."""

import multiprocessing
import runpy

import pytest

from servers import ROOT

CONF = str(ROOT / "gunicorn.conf.py")
VARIABLES = ["GUNICORN_WORKERS", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "PORT"]


@pytest.fixture
def environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_defaults_are_gunicorns_advice_sync_workers_and_loopback(environment):
    conf = runpy.run_path(CONF)

    assert conf["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert conf["threads"] == 1
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["wsgi_app"] == "shop.wsgi:application"


def test_workers_threads_and_address_come_from_the_environment(environment):
    environment.setenv("GUNICORN_WORKERS", "3")
    environment.setenv("GUNICORN_THREADS", "8")
    environment.setenv("PORT", "9000")

    conf = runpy.run_path(CONF)

    assert (conf["workers"], conf["threads"], conf["bind"]) == (3, 8, "0.0.0.0:9000")


def test_web_concurrency_sets_the_workers_as_on_most_platforms(environment):
    environment.setenv("WEB_CONCURRENCY", "6")

    assert runpy.run_path(CONF)["workers"] == 6
