"""``celery -A shop beat`` schedules the maintenance api.md lists (issue 21)."""

import pytest
from celery.schedules import crontab

from shop.celery import app

DAILY = ["flush-expired-tokens", "purge-unverified", "remove-empty-carts"]


@pytest.mark.parametrize("name", DAILY)
def test_each_maintenance_job_runs_daily(name):
    schedule = app.conf.beat_schedule[name]["schedule"]

    assert isinstance(schedule, crontab), f"{name} runs on {schedule!r}"
    assert (len(schedule.hour), len(schedule.minute)) == (1, 1), f"{name}: not once a day"
    assert len(schedule.day_of_week) == 7


@pytest.mark.parametrize("name", [*DAILY, "deliver-outbox"])
def test_each_scheduled_task_exists(name):
    app.loader.import_default_modules()  # what a worker does: each app's tasks.py

    assert app.conf.beat_schedule[name]["task"] in app.tasks


def test_each_maintenance_job_has_its_command_for_cron():
    from django.core.management import get_commands

    commands = get_commands()
    assert {"flushexpiredtokens", "purge_unverified", "remove_empty_carts"} <= set(commands)
