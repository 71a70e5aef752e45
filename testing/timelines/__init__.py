"""Timelines: what each thread of a forced interleaving sent to PostgreSQL, in what order, and
who waited. Off unless ``-p testing.timelines.plugin`` records; until then every function here
does nothing, so the harness calls them unconditionally."""

from testing.timelines.recorder import hold, lane, saw_waiting, scene, sync

__all__ = ["hold", "lane", "saw_waiting", "scene", "sync"]
