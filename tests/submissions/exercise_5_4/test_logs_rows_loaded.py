"""logs_rows_loaded (exercise 5.4's own check): hand-built producer runs and what their task printed."""

from __future__ import annotations

from hand_built import dag_run, ran, task

from exercise_cli.checks import check_module
from exercise_cli.course import load_exercise

EXERCISE = load_exercise("5.4")
CHECK = check_module("logs_rows_loaded", EXERCISE)
PRODUCER = "exercise_5_4_raw_sales"


def graded(*outputs: str, row_count: int | None = None):
    run = dag_run(PRODUCER, "scheduled__2024-01-01", tasks=[task("raw_sales", out) for out in outputs])
    events = [{"id": 1, "uri": "s3://data-lake/raw_sales", "source_dag_id": PRODUCER, "source_task_id": "raw_sales",
               "source_run_id": "scheduled__2024-01-01", "timestamp": "2024-01-01T00:00:00+00:00",
               "extra": {"row_count": row_count}}] if row_count is not None else []
    return CHECK.check(ran(EXERCISE, runs={PRODUCER: run}, events={PRODUCER: events}))


def test_a_count_of_rows_passes() -> None:
    for said in ("Loaded 312 raw sales rows into s3://data-lake/raw_sales", "rows loaded: 7", "1 row",
                 "Loaded 312 sales records (row_count=312)", "row_count: 1,234"):
        outcome = graded(f"starting\n{said}\n")
        assert outcome.status == "passed" and said in outcome.message, said


def test_output_without_a_count_names_what_was_printed() -> None:
    outcome = graded("writing s3://data-lake/raw_sales\n")
    assert outcome.status == "failed"
    assert "no line with the number of rows" in outcome.message and "'writing s3://data-lake/raw_sales'" in outcome.message


def test_where_the_event_carries_a_row_count_the_line_must_say_that_number() -> None:
    assert graded("Loaded 312 rows", row_count=312).status == "passed"
    assert graded("Loaded 312", row_count=312).status == "passed"  # the number is the count, whatever the words
    outcome = graded("Step 1 of 2: 5 rows of headers skipped", row_count=312)
    assert outcome.status == "failed" and "its event carries row_count=312" in outcome.message


def test_numbers_inside_names_and_dates_are_no_count() -> None:
    for said in ("rows for 2024-01-01", "rows of exercise_5_4_raw_sales", "rows at 00:00:00", "row v2",
                 "Step 1/2: loading sales rows"):
        assert graded(said).status == "failed", said


def test_no_run_is_no_output() -> None:
    outcome = CHECK.check(ran(EXERCISE, runs={}))
    assert outcome.status == "failed"
