"""reads_upstream_event (exercise 5.4's own check): hand-built downstream runs and the events they consumed."""

from __future__ import annotations

from hand_built import dag_run, event, ran, task

from exercise_cli.checks import check_module
from exercise_cli.course import load_exercise

EXERCISE = load_exercise("5.4")
CHECK = check_module("reads_upstream_event", EXERCISE)
CONSUMER, URI = "exercise_5_4_sales_summary", "s3://data-lake/raw_sales"
RUN_ID = "scheduled__2026-12-02T00:00:00+00:00"


def graded(output: str, consumed=None):
    consumed = [event(URI, "exercise_5_4_raw_sales", 4, source_run_id=RUN_ID)] if consumed is None else consumed
    run = dag_run(CONSUMER, "a", tasks=[task("sales_summary", output)], consumed=consumed, run_type="asset_triggered")
    return CHECK.check(ran(EXERCISE, runs={CONSUMER: run}))


def test_logging_the_events_source_run_passes() -> None:
    outcome = graded(f"Summarizing exercise_5_4_raw_sales run {RUN_ID}")
    assert outcome.status == "passed" and "the run of exercise_5_4_raw_sales whose event #4 triggered it" in outcome.message


def test_output_without_it_names_what_was_wanted() -> None:
    outcome = graded("Summarizing raw_sales")
    assert outcome.status == "failed" and RUN_ID in outcome.message


def test_a_run_that_consumed_no_event_fails() -> None:
    assert "consumed no event" in graded(RUN_ID, consumed=[]).message
