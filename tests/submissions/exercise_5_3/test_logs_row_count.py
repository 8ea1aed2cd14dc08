"""logs_row_count (exercise 5.3's own check): hand-built consumer runs, their events and their output."""

from __future__ import annotations

from hand_built import dag_run, ran, task

from exercise_cli.checks import check_module
from exercise_cli.course import load_exercise

EXERCISE = load_exercise("5.3")
CHECK = check_module("logs_row_count", EXERCISE)
CONSUMER, URI = "exercise_5_3_sales_consumer", "s3://data-lake/daily_sales"


def consumed(*counts):
    return [{"id": n, "uri": URI, "source_dag_id": "exercise_5_3_sales_producer", "source_task_id": "extract",
             "source_run_id": f"r{n}", "timestamp": "2024-01-02T00:00:00+00:00",
             "extra": {"row_count": c} if c is not None else {}} for n, c in enumerate(counts, 1)]


def graded(output: str, *counts):
    run = dag_run(CONSUMER, "a", tasks=[task("report_row_count", output)], consumed=consumed(*counts),
                  run_type="asset_triggered")
    return CHECK.check(ran(EXERCISE, runs={CONSUMER: run}))


def test_the_events_count_logged_passes() -> None:
    outcome = graded("starting\nRows received: 268\n", 268)
    assert outcome.status == "passed"
    assert outcome.message == "task report_row_count logged Rows received: 268, the row_count of the event that triggered the run"


def test_case_and_spacing_do_not_matter() -> None:
    assert graded("rows received:268", 268).status == "passed"


def test_another_number_is_named_beside_the_events() -> None:
    outcome = graded("Rows received: 1", 250)
    assert outcome.status == "failed" and "logged Rows received: 1" in outcome.message and "row_count=250" in outcome.message


def test_no_such_line_says_what_was_wanted() -> None:
    outcome = graded("done", 42)
    assert outcome.status == "failed" and "no line Rows received: N; wanted Rows received: 42" in outcome.message


def test_events_without_a_count_fail() -> None:
    assert "carry no row_count" in graded("Rows received: 3", None).message


def test_any_triggering_events_count_is_accepted() -> None:
    """Two events consumed at once: logging the count of either is reading an event."""
    assert graded("Rows received: 10", 10, 20).status == "passed"


def test_a_count_written_with_separators_is_the_number() -> None:
    assert graded("Rows received: 8,344", 8344).status == "passed"
    assert graded("Rows received: 8_344", 8344).status == "passed"


def test_the_graders_own_event_is_named_as_such() -> None:
    """The scenario's last consumer run comes from an event the grader posted (no source DAG): a constant
    cannot match the row_count picked for it, and the message says where that count came from."""
    events = [{"id": 9, "uri": URI, "source_dag_id": None, "source_task_id": None, "source_run_id": None,
               "timestamp": "2024-01-02T00:00:00+00:00", "extra": {"row_count": 48213, "from_rest_api": True}}]
    run = dag_run(CONSUMER, "b", tasks=[task("report_row_count", "Rows received: 250")], consumed=events,
                  run_type="asset_triggered")
    outcome = CHECK.check(ran(EXERCISE, runs={CONSUMER: run}))
    assert outcome.status == "failed"
    assert outcome.message == ("task report_row_count logged Rows received: 250, but the event the grader posted to "
                               "s3://data-lake/daily_sales (as the Assets view's Create Asset Event does) carries "
                               "row_count=48213: read row_count from the triggering event's extra, not from your own code")


def test_logging_many_counts_to_hit_the_right_one_fails() -> None:
    """A count picked at random cannot be guessed, but it can be covered: every number said at once is no reading."""
    outcome = graded("\n".join(f"Rows received: {n}" for n in range(1_000, 1_200)), 1_100)
    assert outcome.status == "failed" and "with 200 different numbers (1000, 1001, 1002, 1003, 1004, ...)" in outcome.message
    assert graded("Rows received: 5\nRows received: 5", 5).status == "passed"  # the same count twice is one count
