"""Every way to run the shop: ``nox -l`` lists them.

    nox -s walkthrough        the ten patterns in order: naive, the article's advice, the shop
    nox -s pattern -- 03      one pattern in full: its real failures, then the fix
                              (-- 03 --update-readme rewrites its README's output block;
                              -- 08 --timeline shows each concurrency test's threads)
    nox -s readmes            every pattern README's output block and timelines against a fresh run
    nox -s practice -- 08     fix pattern 08's naive code yourself (--from article: its advice;
                              --watch: the tests rerun each time you save)
    nox -s tests              the whole suite on a throwaway PostgreSQL (args go to pytest)
    nox -s mutants            the shop broken one rule at a time: each mutant caught by its tests
                              (-- 08: one pattern's; -- --ci: CI's subset; -- --update-readme)
    nox -s lint               ruff, import contracts, drf-review, deploy checks, missing migrations,
                              the schema
    nox -s demo               the shop on SQLite with demo data, at http://127.0.0.1:8000/
    nox -s bench -- search    a benchmark that prints a table (bench/); -- kata: how long people
                              wait on the walkthrough, a pattern, the suite, a practice save
    nox -s soak               hundreds of clients against gunicorn, then an audit of the stock
    nox -s fuzz               schemathesis against the shop's OpenAPI schema (args go to `st run`)
    nox -s compat             the suite on Django 5.2 and 6.1 across Python 3.11-3.13 (args go to pytest)

Virtual environments are reused, and the project is reinstalled only when
pyproject.toml changes, so a second run starts in seconds.
"""

import hashlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import nox

nox.options.reuse_venv = "yes"
# uv builds an environment in seconds where pip takes a minute or more; nox uses it when
# it is installed beside nox (`pip install 'nox[uv]'`), and virtualenv and pip otherwise.
nox.options.default_venv_backend = "uv|virtualenv"
# pip compiles what it installs to bytecode, uv only when asked: without it, every process
# compiles Django and the rest again wherever PYTHONDONTWRITEBYTECODE is set.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
nox.options.sessions = ["tests", "lint"]

ROOT = Path(__file__).resolve().parent

# nox -s compat: every Python the project supports, against the oldest and newest
# Django series that pyproject.toml allows. A Python missing here is skipped with
# a line saying so (also under CI=true), never downloaded.
COMPAT_PYTHONS = ["3.11", "3.12", "3.13"]
COMPAT_DJANGOS = ["5.2", "6.1"]
DJANGO_MIN_PYTHON = {"5.2": (3, 10), "6.1": (3, 12)}  # from each release's notes
nox.options.error_on_missing_interpreters = False
nox.options.download_python = "never"


def _pyenv_interpreters(wanted: list[str]) -> None:
    """Let pyenv's shims answer ``python3.12`` and the like, not only the selected version.

    pyenv's shims run only the version(s) it has selected; the others it has installed
    are invisible to nox. The selected version stays first, so ``python`` is unchanged.
    """
    root = os.environ.get("PYENV_ROOT")
    if not root or not (Path(root) / "versions").is_dir():
        return
    selected = os.environ.get("PYENV_VERSION")  # set by the shim that started nox
    if not selected:
        try:
            selected = subprocess.run(
                ["pyenv", "version-name"], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return
    newest: dict[str, tuple[int, ...]] = {}
    for path in (Path(root) / "versions").iterdir():
        parts = path.name.split(".")
        minor = ".".join(parts[:2])
        if len(parts) == 3 and all(x.isdigit() for x in parts) and minor in wanted:
            newest[minor] = max(newest.get(minor, ()), tuple(map(int, parts)))
    chosen = selected.split(":")
    chosen += [v for v in (".".join(map(str, t)) for t in newest.values()) if v not in chosen]
    os.environ["PYENV_VERSION"] = ":".join(chosen)


_pyenv_interpreters(COMPAT_PYTHONS)


def install(session: nox.Session, extras: str | None) -> None:
    """Install the project with the session's extra (pyproject.toml says what each holds).

    Skipped when pyproject.toml has not changed since the last install.
    """
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = Path(session.virtualenv.location) / f".installed-{extras or 'bare'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    session.install("--quiet", "-e", f".[{extras}]" if extras else ".")
    if extras in ("kata", "lint"):
        # drf-review (review/), its own distribution: the walkthrough's fourth line, the
        # READMEs' blocks, and `drf-review shop` in lint. Editable, so it is always current.
        session.install("--quiet", "-e", "./review")
    stamp.write_text(digest)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite, in parallel, on PostgreSQL (or DATABASE_URL if set)."""
    install(session, "test")
    session.run("pytest", "-n", "auto", "--dist", "loadfile", *session.posargs)


@nox.session
def mutants(session: nox.Session) -> None:
    """The mutation catalogue (``[[mutants]]`` in the manifests): each caught by the tests it names."""
    install(session, "test")  # a mutant its tests miss runs the whole suite
    session.run("python", "-m", "kata.mutants", *session.posargs)


@nox.session
def walkthrough(session: nox.Session) -> None:
    """The ten patterns in order: the naive variant, the article's advice, then the shop."""
    install(session, "kata")
    session.run("python", "-m", "kata.walkthrough", *session.posargs)


@nox.session
def pattern(session: nox.Session) -> None:
    """One pattern in full: ``nox -s pattern -- 03`` (``--update-readme``, ``--timeline``)."""
    if not session.posargs:
        session.error("Which pattern? For example: nox -s pattern -- 03")
    install(session, "kata")
    session.run("python", "-m", "kata.pattern", *session.posargs)


@nox.session
def readmes(session: nox.Session) -> None:
    """Each pattern README's output block and timelines against a fresh run (``-- --update`` rewrites)."""
    install(session, "kata")
    session.run("python", "-m", "kata.readmes", *session.posargs)


@nox.session
def practice(session: nox.Session) -> None:
    """The kata proper: ``nox -s practice -- 08`` (``--from article``, ``--hint``, ``--reset``, ``--watch``)."""
    install(session, "kata")
    session.run("python", "-m", "kata.practice", *session.posargs, success_codes=[0, 1])


@nox.session
def lint(session: nox.Session) -> None:
    """Style, the import contracts, drf-review, the deploy checks, missing migrations, docs/openapi.yaml."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports", "--no-cache")
    session.run("drf-review", "shop")  # the ten patterns' rules (review/): no finding
    # Production settings (debug off), each set as an operator sets it (README, "Running in
    # production"), with a throwaway key: the deploy checks must be clean, none silenced.
    env = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "sqlite://",
        "DJANGO_ALLOWED_HOSTS": "shop.example.com",
        "DJANGO_STATIC_ROOT": str(Path(session.create_tmp()) / "staticfiles"),
        "EMAIL_URL": "smtp://shop%40example.com:password@smtp.example.com:587/?tls=true",
        "DEFAULT_FROM_EMAIL": "Shop <shop@example.com>",
        "EMAIL_VERIFICATION_URL": "https://shop.example.com/verify-email/?uid={uid}&token={token}",
        "PASSWORD_RESET_URL": "https://shop.example.com/reset-password/?uid={uid}&token={token}",
        "CACHE_URL": "redis://redis.example.com:6379/0",
        "CELERY_BROKER_URL": "redis://redis.example.com:6379/1",
    }
    session.run("python", "manage.py", "collectstatic", "--noinput", "--verbosity", "0", env=env)
    session.run("python", "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    session.run("python", "manage.py", "makemigrations", "--check", "--dry-run", env=env)
    # The contract a clone has: docs/openapi.yaml must be what the code makes now.
    fresh = Path(session.create_tmp()) / "openapi.yaml"
    session.run("python", "manage.py", "spectacular", "--file", str(fresh), env=env)
    if fresh.read_text() != (ROOT / "docs" / "openapi.yaml").read_text():
        session.error(
            "docs/openapi.yaml differs from the schema the code makes: "
            "python manage.py spectacular --file docs/openapi.yaml"
        )


@nox.session
def bench(session: nox.Session) -> None:
    """Measure, print a table: ``nox -s bench -- search``. No argument lists them."""
    available = ["search", "checkout", "telemetry", "queue", "review", "kata"]  # modules in bench/
    names = [arg for arg in session.posargs if not arg.startswith("-")]
    options = [arg for arg in session.posargs if arg.startswith("-")]  # kata's --update-readme
    unknown = set(names) - set(available)
    if not names or unknown:
        session.error(f"Name a benchmark: nox -s bench -- {' | '.join(available)}")
    install(session, "bench")
    for name in names:
        # bench.kata times nox's own sessions, with the nox running this one.
        session.run(
            "python",
            "-m",
            f"bench.{name}",
            *(options if name == "kata" else []),
            env={"BENCH_NOX_PYTHON": sys.executable},
        )


@nox.session
def fuzz(session: nox.Session) -> None:
    """Generated requests against the shop's own schema, as a customer and as staff."""
    install(session, "fuzz")
    session.run("python", "-m", "bench.fuzz", *session.posargs)


@nox.session
def soak(session: nox.Session) -> None:
    """Hundreds of clients against gunicorn for a bounded time: ``nox -s soak -- [seconds] [clients]``."""
    install(session, "bench")
    session.run("python", "-m", "bench.soak", *session.posargs)


@nox.session(python=COMPAT_PYTHONS)
@nox.parametrize("django", COMPAT_DJANGOS)
def compat(session: nox.Session, django: str) -> None:
    """The suite on one (Python, Django) pair: ``nox -s compat`` runs every pair."""
    python = tuple(int(x) for x in str(session.python).split("."))
    if python < DJANGO_MIN_PYTHON[django]:
        needed = ".".join(map(str, DJANGO_MIN_PYTHON[django]))
        session.skip(f"Django {django} does not support Python {session.python} (needs {needed}+)")
    install(session, "test")
    session.install("--quiet", f"django=={django}.*")
    session.run(
        "python",
        "-c",
        "import sys, django, rest_framework, rest_framework_simplejwt as jwt; "
        "print(f'Python {sys.version.split()[0]}, Django {django.__version__}, "
        "DRF {rest_framework.__version__}, simplejwt {jwt.__version__}')",
        silent=False,
    )
    session.run("pytest", "-n", "auto", "--dist", "loadfile", "-q", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """The shop on SQLite with demo data; Ctrl-C stops it."""
    install(session, None)
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
