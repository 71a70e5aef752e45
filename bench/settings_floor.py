"""The shop's settings, serving only the framework floor (bench/floor.py)."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor"
