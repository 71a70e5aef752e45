from shop.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.naive_urls"
