"""Measurements and load, not tests: what ``nox -s bench``, ``nox -s fuzz`` and ``nox -s soak`` run.

- ``search``, ``checkout``, ``telemetry``, ``queue``: ``nox -s bench -- NAME`` prints a
  table, each figure beside a floor measured in the same run (``floor.py`` and the
  ``settings_*`` modules serve those floors and the naive view on gunicorn);
- ``fuzz``: schemathesis against the shop's own OpenAPI schema;
- ``soak``: hundreds of clients against gunicorn, then an audit of the stock.

Each starts the servers it needs from ``servers/`` and stops them when it ends.
"""
