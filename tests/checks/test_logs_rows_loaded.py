"""logs_rows_loaded (exercise 5.4's own check): hand-built producer runs and what their task printed."""

from __future__ import annotations

from hand_built import dag_run, ran, task

from exercise_cli.checks import check_module
from exercise_cli.course import load_exercise

EXERCISE = load_exercise("5.4")
CHECK = check_module("logs_rows_loaded", EXERCISE)
PRODUCER = "exercise_5_4_raw_sales"


def graded(*outputs: str):
    run = dag_run(PRODUCER, "scheduled__2024-01-01", tasks=[task("raw_sales", out) for out in outputs])
    return CHECK.check(ran(EXERCISE, runs={PRODUCER: run}))


def test_a_count_of_rows_passes() -> None:
    for said in ("Loaded 312 raw sales rows into s3://data-lake/raw_sales", "rows loaded: 7", "1 row"):
        outcome = graded(f"starting\n{said}\n")
        assert outcome.status == "passed" and said in outcome.message, said


def test_output_without_a_count_names_what_was_printed() -> None:
    outcome = graded("writing s3://data-lake/raw_sales\n")
    assert outcome.status == "failed"
    assert "no line with the number of rows" in outcome.message and "'writing s3://data-lake/raw_sales'" in outcome.message


def test_numbers_inside_names_and_dates_are_no_count() -> None:
    for said in ("rows for 2024-01-01", "rows of exercise_5_4_raw_sales", "rows at 00:00:00", "row v2"):
        assert graded(said).status == "failed", said


def test_no_run_is_no_output() -> None:
    outcome = CHECK.check(ran(EXERCISE, runs={}))
    assert outcome.status == "failed"
