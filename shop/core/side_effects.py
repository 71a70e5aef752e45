"""Side effects after commit: a callback that runs only if the transaction commits."""

from collections.abc import Callable
from functools import partial, update_wrapper

from django.db import transaction


def after_commit(func: Callable[..., object], /, **kwargs) -> None:
    """Call ``func(**kwargs)`` once the current transaction commits; never if it rolls back.

    The arguments are bound now: a lambda in a loop would bind late and send the
    last order's email N times. ``robust=True``: a failure is logged, and neither
    the other callbacks nor the response suffer. The wrapper keeps ``func``'s
    name because Django 5.2 logs a failing robust callback by ``__qualname__``,
    which a bare ``functools.partial`` lacks: the logging itself would raise.
    """
    callback = update_wrapper(partial(func, **kwargs), func)
    transaction.on_commit(callback, robust=True)
