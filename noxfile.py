"""Every way to run the shop: ``nox -l`` lists them.

    nox -s walkthrough        the ten patterns in order, red then green
    nox -s pattern -- 03      one pattern in full: its real failure, then the fix
    nox -s tests              the whole suite on a throwaway PostgreSQL (args go to pytest)
    nox -s lint               ruff, import contracts, Django checks, missing migrations
    nox -s demo               the shop on SQLite with demo data, at http://127.0.0.1:8000/
    nox -s bench -- search    a benchmark that prints a table (tests/benchmarks/)
    nox -s soak               hundreds of clients against gunicorn, then an audit of the stock
    nox -s fuzz               schemathesis against the shop's OpenAPI schema (args go to `st run`)

Virtual environments are reused, and the project is reinstalled only when
pyproject.toml changes, so a second run starts in seconds.
"""

import hashlib
from pathlib import Path

import nox

nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests", "lint"]

ROOT = Path(__file__).resolve().parent


def install(session: nox.Session, extras: str = "test") -> None:
    """Install the project with ``extras``; skip it when pyproject.toml has not changed."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = Path(session.virtualenv.location) / f".installed-{extras}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    session.install("--quiet", "-e", f".[{extras}]")
    stamp.write_text(digest)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite, in parallel, on PostgreSQL (or DATABASE_URL if set)."""
    install(session)
    session.run("pytest", "-n", "auto", "--dist", "loadfile", *session.posargs)


@nox.session
def walkthrough(session: nox.Session) -> None:
    """The ten patterns in order: the naive variant's real failure, then the shop passing."""
    install(session)
    session.run("python", "-m", "patterns.walkthrough", *session.posargs)


@nox.session
def pattern(session: nox.Session) -> None:
    """One pattern in full: ``nox -s pattern -- 03``."""
    if not session.posargs:
        session.error("Which pattern? For example: nox -s pattern -- 03")
    install(session)
    session.run("python", "-m", "patterns.walkthrough", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Style, the import contracts of pattern 01, Django's checks, missing migrations."""
    install(session, "dev")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports", "--no-cache")
    env = {"DJANGO_SECRET_KEY": "lint-only", "DATABASE_URL": "sqlite://"}
    session.run("python", "manage.py", "check", "--fail-level", "WARNING", env=env)
    session.run("python", "manage.py", "makemigrations", "--check", "--dry-run", env=env)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure, print a table: ``nox -s bench -- search``. No argument lists them."""
    available = ["search", "checkout", "telemetry"]  # modules in tests/benchmarks/
    unknown = set(session.posargs) - set(available)
    if not session.posargs or unknown:
        session.error(f"Name a benchmark: nox -s bench -- {' | '.join(available)}")
    install(session)
    for name in session.posargs:
        session.run("python", "-m", f"tests.benchmarks.{name}")


@nox.session
def fuzz(session: nox.Session) -> None:
    """Generated requests against the shop's own schema, as a customer and as staff."""
    install(session, "fuzz")
    session.run("python", "-m", "tests.fuzz.run", *session.posargs)


@nox.session
def soak(session: nox.Session) -> None:
    """Hundreds of clients against gunicorn for a bounded time: ``nox -s soak -- [seconds] [clients]``."""
    install(session)
    session.run("python", "-m", "tests.benchmarks.soak", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """The shop on SQLite with demo data; Ctrl-C stops it."""
    install(session)
    env = {"DJANGO_DEBUG": "true"}  # SQLite in db.sqlite3 unless DATABASE_URL is set
    session.run("python", "manage.py", "migrate", "--verbosity", "1", env=env)
    session.run("python", "manage.py", "seed_demo", env=env)
    base = "http://127.0.0.1:8000"
    session.log("The shop is starting. Try:")
    for label, path in [
        ("API docs (Swagger UI)", "/api/docs/"),
        ("OpenAPI schema", "/api/schema/"),
        ("health", "/api/health/"),
        ("admin", "/admin/"),
    ]:
        session.log(f"  {label:<22} {base}{path}")
    session.log("  Log in with the demo accounts seed_demo listed above.")
    session.run("python", "manage.py", "runserver", "127.0.0.1:8000", env=env)
