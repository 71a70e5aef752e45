"""The shop's settings, serving only the framework floor (``handwritten.py``)."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.checkout.handwritten"
