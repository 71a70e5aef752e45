"""``after_commit`` (pattern 10): a callback for after the COMMIT, robust and bound now.

How a lambda binds late, and why ``after_commit`` names its partial on Django 5.2,
are pattern 10's own evidence: patterns/10_on_commit/test_on_commit.py.
"""

import pytest

from shop.core.side_effects import after_commit

pytestmark = pytest.mark.django_db  # on_commit needs a database connection, in a transaction


def test_a_failing_callback_is_logged_and_the_next_one_still_runs(
    django_capture_on_commit_callbacks, caplog
):
    sent = []

    def refuse(*, order_id: int) -> None:
        raise ConnectionRefusedError("the mail server is down")

    def send(*, order_id: int) -> None:
        sent.append(order_id)

    with django_capture_on_commit_callbacks(execute=True):
        after_commit(refuse, order_id=1)
        after_commit(send, order_id=2)

    assert sent == [2]
    assert "Error calling " in caplog.text
    assert "refuse in on_commit() (the mail server is down)" in caplog.text
