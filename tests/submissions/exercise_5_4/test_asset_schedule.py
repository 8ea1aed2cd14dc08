"""asset_schedule (exercise 5.4's own check): an @asset's timetable, which has no start date, run time by run time."""

from __future__ import annotations

from exercise_cli.checks import check_module
from exercise_cli.course import load_exercise

EXERCISE = load_exercise("5.4")
CHECK = check_module("asset_schedule", EXERCISE)
RAW_SALES = '''
from airflow.sdk import asset

@asset(uri="s3://data-lake/raw_sales", schedule={schedule}, dag_id="exercise_5_4_raw_sales")
def raw_sales(self):
    pass
'''


def graded(load, schedule: str):
    sub = load(RAW_SALES.format(schedule=schedule))
    sub.exercise = EXERCISE
    return CHECK.check(sub)


def test_daily_and_its_cron_pass(load) -> None:
    for schedule in ('"@daily"', '"0 0 * * *"'):
        outcome = graded(load, schedule)
        assert outcome.status == "passed" and "the run times of '@daily'" in outcome.message, schedule


def test_hourly_fails_with_its_run_times(load) -> None:
    outcome = graded(load, '"@hourly"')
    assert outcome.status == "failed" and "runs at 2024-01-01 00:00, 2024-01-01 01:00" in outcome.message


def test_no_schedule_has_no_run(load) -> None:
    outcome = graded(load, "None")
    assert outcome.status == "failed" and "runs at no run" in outcome.message
