"""The pytest plugin: record each test's scenes and save them, one JSON file per test and variant.

    KATA_TIMELINE_DIR=/tmp/timelines python -m pytest patterns/08_service_layer \
        -p testing.timelines.plugin -k ten_buyers

Each test that ran threads against the database is saved there as ``Recorded``
(``recorded.py``), named by its ``variant(name)`` marker. ``kata/timelines/`` draws them;
``-p kata.timelines.printing`` prints each test's swimlanes after it instead.
"""

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from testing.timelines import recorder
from testing.timelines.recorded import Recorded


class TimelinePlugin:
    """Records each test; hands its recording to ``keep`` once the test's outcome is known."""

    def __init__(self, keep: Callable[[Recorded], None]) -> None:
        self.keep = keep
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
                variant = item.get_closest_marker("variant")
                self.recorded[item.nodeid] = Recorded(
                    test=item.originalname,
                    variant=variant.args[0] if variant else "",
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
        if report.when == "teardown":
            del self.recorded[report.nodeid]
            self.keep(recorded)


def save_in(folder: Path) -> Callable[[Recorded], None]:
    def save(recorded: Recorded) -> None:
        name = re.sub(r"[^\w.-]+", "_", f"{recorded.test}[{recorded.variant}]")
        (folder / f"{name}.json").write_text(json.dumps(recorded.to_json()))

    return save


def pytest_configure(config: pytest.Config) -> None:
    folder = os.environ.get("KATA_TIMELINE_DIR")
    if not folder:
        raise pytest.UsageError(
            "-p testing.timelines.plugin saves each test's recording in the folder "
            "KATA_TIMELINE_DIR names: set it"
        )
    config.pluginmanager.register(TimelinePlugin(save_in(Path(folder))), "timelines")
