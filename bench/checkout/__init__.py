"""The checkout benchmark: against its floors (``floors.py``), where a traced checkout's CPU goes
(``cpu.py``), then under contention (``contention.py``).

``nox -s bench -- checkout``, or ``python -m bench.checkout [floors|cpu|contention]`` (``__main__.py``);
what each table showed: patterns/08_service_layer/README.md#measured.
"""
