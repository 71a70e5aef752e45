"""Throttling as a capable engineer first turns it on: DRF's two stock throttles.

``AnonRateThrottle`` and ``UserRateThrottle``, the pair DRF's documentation
starts with, on DRF's defaults. Fair to customers, and it counts everyone the
same way: staff working through the internal dashboard, dozens of calls a page,
run into 429s like any scraper. And with ``NUM_PROXIES`` left at ``None``, DRF
trusts the whole ``X-Forwarded-For`` header as an anonymous client's identity:
a new made-up address with every request is a new client every time.
"""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

THROTTLE_CLASSES = [AnonRateThrottle, UserRateThrottle]
NUM_PROXIES = None  # DRF's default: nobody decided how many proxies stand in front
