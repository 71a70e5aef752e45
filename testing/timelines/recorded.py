"""What a recording holds, and its JSON: a test's scenes, each with its lanes' statements,
its sync points and what its tables are called; what the plugin saves and the drawing reads."""

from dataclasses import asdict, dataclass, field
from time import perf_counter


@dataclass
class Event:
    lane: str
    kind: str  # "sql", "commit", "rollback" or "hold" (held by the harness)
    start: float  # seconds since the scene started
    end: float | None = None
    sql: str = ""
    params: list[str] = field(default_factory=list)
    error: str = ""  # the SQLSTATE of a database error, else the exception's class
    waited: bool = False  # seen blocked on a lock (by the harness, or by a deadlock report)
    autocommit: bool = False  # sent outside a transaction: it commits by itself
    cycle: list[int] = field(default_factory=list)  # a deadlock's: the other backends in it
    rows: int | None = None  # the rows it returned or changed, when the driver says


@dataclass
class Sync:
    """A moment the harness orders everything around: a rendezvous lets go, a pause ends."""

    time: float
    label: str


@dataclass
class Scene:
    title: str
    lanes: list[str] = field(default_factory=list)  # in the order they joined
    pids: dict[str, int] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    syncs: list[Sync] = field(default_factory=list)
    # Table -> what its model calls one row and several: ["cart item", "cart items"].
    nouns: dict[str, list[str]] = field(default_factory=dict)
    started: float = field(default_factory=perf_counter, repr=False)

    def now(self) -> float:
        return perf_counter() - self.started

    def to_json(self) -> dict:
        data = asdict(self)
        del data["started"]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Scene":
        return cls(
            title=data["title"],
            lanes=data["lanes"],
            pids=data["pids"],
            events=[Event(**e) for e in data["events"]],
            syncs=[Sync(**s) for s in data["syncs"]],
            nouns=data["nouns"],
        )


@dataclass
class Recorded:
    """One test's recording, for one variant: what the plugin saves and the drawing reads."""

    test: str
    variant: str  # its ``variant(name)`` marker's, "" for a test with none
    outcome: str  # passes or fails
    scenes: list[Scene]
    line: int = 0  # where the test is written, to show tests in that order

    def to_json(self) -> dict:
        return {
            "test": self.test,
            "variant": self.variant,
            "outcome": self.outcome,
            "scenes": [s.to_json() for s in self.scenes],
            "line": self.line,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Recorded":
        return cls(
            data["test"],
            data["variant"],
            data["outcome"],
            [Scene.from_json(s) for s in data["scenes"]],
            data.get("line", 0),
        )
