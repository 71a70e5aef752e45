"""``python -m bench.checkout [floors|cpu|contention]``: every part by default, on one database and broker.

The shop runs as production runs it: gunicorn with debug off, persistent connections
(``gunicorn.conf.py``), the checkout's email handed to a Redis broker.
"""

import logging
import sys

from bench.checkout import contention, cpu, floors
from bench.environment import shop_database
from servers.redis import RedisServer

PARTS = {"floors": floors.run, "cpu": cpu.run, "contention": contention.run}


def main(parts: list[str]) -> int:
    if unknown := set(parts) - set(PARTS):
        sys.exit(
            f"No part {', '.join(sorted(unknown))}: python -m bench.checkout [{'|'.join(PARTS)}]"
        )
    broker = RedisServer()
    try:
        with shop_database(
            DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
            THROTTLE_RATE_USER="100000000/min",  # measuring checkout, not the throttle
            THROTTLE_RATE_ANON="100000000/min",
            OTEL_SDK_DISABLED="true",  # this process; the servers choose for themselves
            # As production runs: the confirmation email is a task on a broker, not work
            # done in the request after its COMMIT (the embedded default without one). No
            # worker runs: in production it is another machine's work, not the checkout's.
            CELERY_BROKER_URL=broker.url,
        ):
            # The naive variant's refused duplicates log a line each; the table says it all.
            logging.getLogger("shop").setLevel(logging.WARNING)
            logging.getLogger("django.request").setLevel(logging.CRITICAL)
            for part in parts:
                PARTS[part]()
    finally:
        broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(PARTS)))
