"""The harness both suites use (``tests/`` and ``patterns/``), as Django keeps ``django/test/``
apart from its tests: the run's settings, environment and database, factories, the checked
client, forced interleavings, the timeline recorder and the task ledger."""
