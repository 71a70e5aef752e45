"""The shop's settings, serving only the framework floor (tests/benchmarks/floor.py)."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.floor"
