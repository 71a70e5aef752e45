"""The checkout benchmark: against its floors (``floors.py``), then under contention (``contention.py``).

``nox -s bench -- checkout``, or ``python -m bench.checkout [floors|contention]`` (``__main__.py``);
what each table showed: patterns/08_service_layer/README.md#measured.
"""
