"""The red-green mechanism every pattern's tests use.

A pattern test runs the same assertions twice: against the naive variant,
which must fail with an ``AssertionError`` (a strict xfail, so a naive variant
that starts passing turns CI red, and so does one that fails for another
reason, such as an import or database error), and against the shop, which
must pass.

    red_green = RedGreen(naive=NAIVE, shop=SHOP)

    @red_green(why="the naive login issues tokens to unverified accounts")
    def test_unverified_account_gets_no_token(variant): ...
"""

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


class RedGreen:
    def __init__(self, *, naive: Any, shop: Any) -> None:
        self.naive = naive
        self.shop = shop

    def __call__(self, *, why: str):
        return pytest.mark.parametrize(
            "variant",
            [
                pytest.param(
                    self.naive,
                    id="naive",
                    marks=[
                        pytest.mark.naive,
                        pytest.mark.xfail(strict=True, raises=AssertionError, reason=why),
                    ],
                ),
                pytest.param(self.shop, id="shop", marks=[pytest.mark.shop]),
            ],
        )


def practice_dir() -> Path:
    """Where learners keep their copies of the naive code (ignored by git)."""
    return Path(
        os.environ.get("KATA_PRACTICE_DIR", Path(__file__).resolve().parent.parent / "practice")
    )


def naive_path(test_file: str, name: str) -> Path:
    """The naive variant's file or folder; in practice mode, the learner's copy of it."""
    folder = Path(test_file).resolve().parent
    if os.environ.get("KATA_PRACTICE"):
        copy = practice_dir() / folder.name / name
        if copy.exists():
            return copy
    return folder / name


def load_naive(test_file: str, name: str = "naive") -> ModuleType:
    """Import ``naive.py`` from the folder of ``test_file`` (or the learner's copy).

    Pattern folders start with a number, so they are not importable packages;
    the naive module is loaded by path, once, under a unique name.
    """
    path = naive_path(test_file, f"{name}.py")
    module_name = f"patterns.{Path(test_file).resolve().parent.name}.{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def said(action: str, got: Any, expected: Any) -> str:
    """An assertion message in plain words: "called X, got Y, expected Z"."""
    return f"{action}, got {got}, expected {expected}"


def mount(settings, urlpatterns: list) -> None:
    """Serve ``urlpatterns`` as the whole site for one test (pytest-django ``settings``)."""
    module = ModuleType(f"kata_urls_{id(urlpatterns)}")
    module.urlpatterns = urlpatterns
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
