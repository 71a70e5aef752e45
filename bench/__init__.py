"""Measurements and load, not tests: what ``nox -s bench``, ``nox -s fuzz`` and ``nox -s soak`` run.

- ``search``, ``checkout``, ``telemetry``, ``queue``: ``nox -s bench -- NAME`` prints a
  table, each figure beside a floor measured in the same run. ``checkout/`` is two
  benchmarks: ``floors.py`` (the shop against its own transaction written by hand in
  SQL, ``handwritten.py``) and ``contention.py`` (1 to 16 buyers, beside pattern 08's
  naive view);
- ``fuzz``: schemathesis against the shop's own OpenAPI schema;
- ``soak``: hundreds of clients against gunicorn, then an audit of the stock.

Each sets up its database with ``environment.shop_database()``; ``buyers.py`` holds
the accounts, carts, requests and audit the load runs share; ``report.py`` prints
every table. The servers each needs come from ``servers/`` and stop when it ends.
"""
