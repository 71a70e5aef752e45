"""The shop's settings, serving pattern 08's naive checkout view (``naive_urls.py``)."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.checkout.naive_urls"
