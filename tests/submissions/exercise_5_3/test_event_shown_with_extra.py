"""event_shown_with_extra (exercise 5.3's own check): the Assets view's record and the event it lists."""

from __future__ import annotations

from hand_built import ran

from exercise_cli.checks import check_module
from exercise_cli.course import load_exercise

EXERCISE = load_exercise("5.3")
CHECK = check_module("event_shown_with_extra", EXERCISE)
PRODUCER, URI = "exercise_5_3_sales_producer", "s3://data-lake/daily_sales"
RECORD = {"id": 1, "uri": URI, "name": URI, "active": True,
          "producing_tasks": [{"dag_id": PRODUCER, "task_id": "extract"}], "scheduled_dags": []}


def graded(records, extra):
    events = [{"id": 3, "uri": URI, "source_dag_id": PRODUCER, "source_task_id": "extract", "source_run_id": "r",
               "timestamp": "2024-01-02T00:00:00+00:00", "extra": extra}]
    return CHECK.check(ran(EXERCISE, asset_records=records, events={PRODUCER: events}))


def test_the_asset_and_its_events_extra_pass() -> None:
    outcome = graded({URI: RECORD}, {"row_count": 7})
    assert outcome.status == "passed"
    assert outcome.message == f'{URI}: event #3 from {PRODUCER}.extract, extra {{"row_count": 7}}'


def test_an_asset_the_view_lacks_fails() -> None:
    assert graded({URI: {}}, {"row_count": 7}).message == f"the Assets view has no Asset {URI}"
    assert graded({}, {"row_count": 7}).status == "failed"


def test_an_event_without_the_count_fails() -> None:
    assert "no event of s3://data-lake/daily_sales with row_count" in graded({URI: RECORD}, {}).message
    assert graded({URI: RECORD}, None).status == "failed"


def test_the_view_unread_is_for_the_runner_to_skip() -> None:
    """A deployment that hides the Assets view: the check names the fact, the runner skips it."""
    assert CHECK.READS == ("asset_record",)
