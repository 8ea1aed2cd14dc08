"""event_row_count (exercise 5.3's own check): hand-built producer events with each kind of extra."""

from __future__ import annotations

from hand_built import dag_run, ran

from exercise_cli.checks import check_module
from exercise_cli.course import load_exercise

EXERCISE = load_exercise("5.3")
CHECK = check_module("event_row_count", EXERCISE)
PRODUCER, URI = "exercise_5_3_sales_producer", "s3://data-lake/daily_sales"


def graded(*extras, uri: str = URI):
    events = [{"id": n, "uri": uri, "source_dag_id": PRODUCER, "source_task_id": "extract", "source_run_id": "r",
               "timestamp": "2024-01-02T00:00:00+00:00", "extra": extra} for n, extra in enumerate(extras, 1)]
    return CHECK.check(ran(EXERCISE, runs={PRODUCER: dag_run(PRODUCER, "r")}, events={PRODUCER: events}))


def test_a_whole_row_count_passes_and_is_named() -> None:
    outcome = graded({"row_count": 268, "source": "pos"})
    assert outcome.status == "passed" and outcome.message == f"asset event #1 for {URI} carries row_count=268"


def test_no_extra_says_how_to_attach_one() -> None:
    outcome = graded({})
    assert outcome.status == "failed" and "has no extra" in outcome.message and "yield Metadata" in outcome.message


def test_an_extra_without_row_count_names_its_keys() -> None:
    outcome = graded({"rows": 3, "day": "2024-01-01"})
    assert outcome.status == "failed" and "'day', 'rows' but no 'row_count'" in outcome.message


def test_a_row_count_that_is_no_whole_number_fails_with_its_type() -> None:
    for value, kind in (("129", "str"), (12.0, "float"), (True, "bool"), (None, "NoneType")):
        outcome = graded({"row_count": value})
        assert outcome.status == "failed" and f"({kind})" in outcome.message, value


def test_an_extra_the_grader_could_not_keep_is_said_so() -> None:
    """records.event_extra gives None for an extra that is no JSON object or is too large."""
    assert "cannot read" in graded(None).message


def test_the_newest_event_decides() -> None:
    assert graded({}, {"row_count": 5}).status == "passed"
    assert graded({"row_count": 5}, {}).status == "failed"


def test_no_event_for_the_asset_fails() -> None:
    assert "no asset event for s3://data-lake/daily_sales" in graded({"row_count": 1}, uri="s3://other").message
