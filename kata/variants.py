"""The kata's mechanism: each pattern test runs the same assertions against every variant.

A pattern has three variants with one interface:

- ``naive``: the code a capable engineer writes first;
- ``article``: the article's own advice, followed exactly as it stands;
- ``shop``: the shop's implementation, which must pass.

Each test says, for every variant but the shop, what it expects of it:
``Holds("why")``, the variant passes; or ``Fails("why")``, a strict xfail that
only an ``AssertionError`` satisfies. A variant expected to fail that starts
passing turns CI red, and so does one that fails for any other reason (an
import error, a database error, a crash, a harness precondition).

    kata = Kata(naive=NAIVE, article=ARTICLE, shop=SHOP)

    @kata(
        naive=Fails("RefreshToken.for_user() mints tokens without looking at is_active"),
        article=Holds("authenticate() refuses inactive accounts"),
    )
    def test_an_unverified_account_gets_no_token(variant): ...

Two rules keep a red honest, because a strict xfail counts *any* AssertionError
as the lesson:

- a harness precondition (the forced interleaving happened, the crash was
  injected) is ``require(...)``, which fails the test outright;
- a request is sent with ``testing.crashes.CheckedClient``, which fails the test
  outright when handling it raised something the test did not name, so a 500,
  or a crash an exception handler dressed up as a 409 or a 503, is never taken
  for the lesson.
"""

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kata import manifest, roles


@dataclass(frozen=True)
class Holds:
    """This variant passes the test."""

    why: str = ""


@dataclass(frozen=True)
class Fails:
    """This variant fails the test with an AssertionError, for the reason given."""

    why: str


class Kata:
    """The variants of one pattern; calling it parametrizes a test over all of them.

    Variants run in the order given; ``shop`` must be one of them and always
    passes. Any other than naive and article is a counterexample (``kata/roles.py``).
    """

    def __init__(self, **variants: Any) -> None:
        if roles.SHOP not in variants:
            raise TypeError("a kata needs the shop's variant, which every test must pass")
        self.variants = variants

    def __call__(self, **expected: Holds | Fails):
        judged = [name for name in self.variants if name != roles.SHOP]
        missing, unknown = set(judged) - set(expected), set(expected) - set(judged)
        if missing or unknown or not all(isinstance(e, Holds | Fails) for e in expected.values()):
            raise TypeError(
                f"say Holds(...) or Fails(...) for each of {judged}: "
                f"missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        params = []
        for name, variant in self.variants.items():
            shown = name.replace("_", "-")
            marks = roles.marks(shown)
            outcome = expected.get(name, Holds())
            if isinstance(outcome, Fails):
                marks.append(
                    pytest.mark.xfail(strict=True, raises=AssertionError, reason=outcome.why)
                )
            params.append(pytest.param(variant, id=shown, marks=marks))
        return pytest.mark.parametrize("variant", params)


def said(action: str, got: Any, expected: Any) -> str:
    """An assertion message in plain words: "called X, got Y, expected Z"."""
    return f"{action}, got {got}, expected {expected}"


def practice_dir() -> Path:
    """Where learners keep their copies of a variant (ignored by git)."""
    return Path(
        os.environ.get("KATA_PRACTICE_DIR", Path(__file__).resolve().parent.parent / "practice")
    )


def variant_path(test_file: str, role: str) -> Path:
    """A variant's file or folder, for the pattern whose folder holds ``test_file``."""
    return path_of(manifest.of_test_file(test_file), role)


def path_of(pattern: manifest.Pattern, role: str) -> Path:
    """A variant's file or folder, as the pattern's manifest names it; in practice mode,
    the learner's copy of it if there is one."""
    original = pattern.variant_file(role)
    if os.environ.get("KATA_PRACTICE"):
        copy = practice_dir() / pattern.folder / original.name
        if copy.exists():
            return copy
    return original


def load_variant(test_file: str, role: str) -> ModuleType:
    """The module of a variant of the pattern whose folder holds ``test_file``."""
    return load(manifest.of_test_file(test_file), role)


def load(pattern: manifest.Pattern, role: str) -> ModuleType:
    """Import the module of one of ``pattern``'s variants (or the learner's copy of it).

    Pattern folders start with a number, so they are not importable packages;
    the module is loaded by path, once, under a unique name.
    """
    module_name = f"patterns.{pattern.folder}.{role}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path_of(pattern, role))
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
