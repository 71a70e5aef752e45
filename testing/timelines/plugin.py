"""The pytest plugin: record each test's scenes; print them after it, or save them.

    python -m pytest patterns/08_service_layer -p testing.timelines.plugin -k ten_buyers

prints, after each test that ran threads against the database, its swimlanes.
With ``KATA_TIMELINE_DIR`` set it writes each such test's recording there as JSON
instead (one file per test and variant), for ``kata/walkthrough.py`` to print
the variants of one test one after the other and to draw the READMEs' pictures.
"""

import json
import os
import re
from pathlib import Path

import pytest

from kata.timelines.shape import Recorded, variant_of
from kata.timelines.terminal import render
from testing.timelines import recorder


class TimelinePlugin:
    def __init__(self, config: pytest.Config, save_to: Path | None) -> None:
        self.config = config
        self.save_to = save_to
        self.recorded: dict[str, Recorded] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        recorder.start()
        try:
            return (yield)
        finally:
            recording = recorder.stop()
            scenes = [s for s in recording.scenes if len(s.pids) > 1]
            if scenes:
                self.recorded[item.nodeid] = Recorded(
                    test=item.originalname,
                    variant=variant_of(item),
                    outcome="",
                    scenes=scenes,
                    line=item.location[1] or 0,
                )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        recorded = self.recorded.get(report.nodeid)
        if recorded is None:
            return
        if report.when == "call":
            recorded.outcome = "passes" if report.passed else "fails"
        if report.when != "teardown":
            return
        del self.recorded[report.nodeid]
        if self.save_to is not None:
            name = re.sub(r"[^\w.-]+", "_", f"{recorded.test}[{recorded.variant}]")
            (self.save_to / f"{name}.json").write_text(json.dumps(recorded.to_json()))
            return
        reporter = self.config.pluginmanager.getplugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")
            for line in render(recorded):
                reporter.write_line(line)


def pytest_configure(config: pytest.Config) -> None:
    folder = os.environ.get("KATA_TIMELINE_DIR")
    config.pluginmanager.register(
        TimelinePlugin(config, Path(folder) if folder else None), "kata-timelines"
    )
