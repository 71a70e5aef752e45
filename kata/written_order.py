"""Run each pattern's tests as they are written (a pytest plugin: ``-p kata.written_order``).

The walkthrough reads a pattern's first failure as the first its tests meet, so they
run in the order a reader meets them in the file, whatever pytest-django's regrouping
by database use did; in xdist's workers too, which is why this is a plugin of its own.
"""

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]):
    written_order = {item.nodeid: n for n, item in enumerate(items)}
    result = yield  # pytest-django regroups tests by database use in here
    items.sort(key=lambda item: (item.nodeid.split("::")[0], written_order[item.nodeid]))
    return result
