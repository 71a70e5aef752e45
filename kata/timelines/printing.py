"""A pytest plugin that prints each test's timelines as swimlanes after it, for any test that
forces an interleaving (the shop's own suite too):

    python -m pytest tests/security/test_write_races.py -p kata.timelines.printing
"""

import pytest

from kata.timelines import terminal
from testing.timelines.plugin import TimelinePlugin
from testing.timelines.recorded import Recorded


def pytest_configure(config: pytest.Config) -> None:
    def show(recorded: Recorded) -> None:
        reporter = config.pluginmanager.getplugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")
            for line in terminal.render(recorded):
                reporter.write_line(line)

    config.pluginmanager.register(TimelinePlugin(show), "timelines")
