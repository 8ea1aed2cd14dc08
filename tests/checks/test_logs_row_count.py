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


def test_a_count_its_code_wrote_down_fails_where_the_grader_can_see_the_code() -> None:
    """The constant check reads the task's code (SourceFacts); with no code known it cannot tell, and passes on the event."""
    from exercise_cli.facts import FileFacts, SourceFacts, TaskCode

    run = dag_run(CONSUMER, "a", tasks=[task("report_row_count", "Rows received: 250")], consumed=consumed(250),
                  run_type="asset_triggered")
    sub = ran(EXERCISE, runs={CONSUMER: run})
    assert CHECK.check(sub).status == "passed"

    class Dag:  # the loaded consumer DAG, as far as the check asks it
        dag_id, fileloc = CONSUMER, "/copy/dags.py"
        timetable = type("AssetTriggeredTimetable", (), {})()

    class Task:
        task_id, dag = "report_row_count", Dag

    Dag.tasks = [Task]
    sub.dags = {CONSUMER: Dag}
    sub.source = SourceFacts(files={"/copy/dags.py": FileFacts(
        tasks={"report_row_count": TaskCode(12, frozenset({"triggering_asset_events", "Rows received: 250"}))})})
    outcome = CHECK.check(sub)
    assert outcome.status == "failed" and "'Rows received: 250'" in outcome.message and outcome.line == 12
