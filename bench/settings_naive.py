from shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.naive_urls"
