"""Models and migrations agree, for every app: a change made in models.py alone fails here.

``nox -s lint`` runs the same check; here it runs with the suite too, so the tests
session (and a mutant of a model, ``nox -s mutants``) cannot pass with a schema that
the migrations would not build.
"""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db  # makemigrations reads the applied migrations


def test_every_apps_models_match_its_migrations():
    out, exit_code = StringIO(), 0
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:  # --check exits 1 when a migration is missing
        exit_code = exit.code
    assert exit_code == 0, f"models.py changed without a migration:\n{out.getvalue()}"
