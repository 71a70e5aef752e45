"""Timelines: what each thread of a concurrency test sent to PostgreSQL, in what order, and who waited.

The proofs force an interleaving (``testing/concurrency.py``); a timeline shows
it. While a test runs under the recorder, every thread the harness starts is a
*lane*: each SQL statement it sends (through Django's ``connection.execute_wrapper``),
each COMMIT and ROLLBACK, with start and end times. The harness adds what only it
knows: which sessions it saw blocked on a lock in ``pg_stat_activity``, where it
held a thread, and when it let them go.

Off unless asked for, and then it only watches: ``-p testing.timelines.plugin``
(what ``nox -s pattern -- 08 --timeline`` passes). Every function here does nothing
when no recording is running, so the harness calls them unconditionally.

- ``recorder.py``: the recording (lanes, statements, waits, sync points);
- ``shape.py``: the statements that matter, and the order the test forces on them;
- ``terminal.py``: a recording as swimlanes in time order, for a 100-column terminal;
- ``svg.py``: a shape as an SVG picture, for the pattern's README;
- ``plugin.py``: the pytest plugin that records each test and prints or saves it.
"""

from testing.timelines.recorder import hold, lane, saw_waiting, scene, sync

__all__ = ["hold", "lane", "saw_waiting", "scene", "sync"]
