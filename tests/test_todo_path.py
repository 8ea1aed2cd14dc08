"""The starter's TODOs, done in order (tests/submissions/exercise_5_1/*_todoN_*), each graded in full mode: every step
moves the checklist forward, the score rises where a criterion can pass, and each failure names the
next step at its line. Also: a @dag function never called, and one wrong URI shared by both DAGs."""

from __future__ import annotations

import pytest

from conftest import SUBMISSIONS, graded, submission
from exercise_cli.course import load_exercise

# fixture -> (score, {check id: (status, text the message holds, line)} for every check that did not pass)
PATH: dict[str, tuple[float, dict[str, tuple[str, str, int | None]]]] = {
    "fails_todo0_untouched_starter": (0, {
        "dag_ids": ("failed", "no DAGs yet: start with the first TODO, the Asset", 14),
        "start_dates": ("skipped", "no exercise DAG loaded yet", None),
        "tags": ("skipped", "no exercise DAG loaded yet", None),
        "registered_in_db": ("skipped", "no producer DAG yet", None),
        "producer_schedule": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "producer_outlet": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "producer_run": ("skipped", "no producer DAG yet", None),
        "asset_event": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "processing_timestamp": ("skipped", "no producer DAG yet", None),
        "consumer_schedule": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_triggered": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "reads_triggering_events": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_run": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "consumer_message": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "consumer_names_asset": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "asset_registered": ("skipped", "no producer DAG yet", None),
    }),
    "fails_todo1_asset_only": (0, {
        "dag_ids": ("failed", "the Asset is defined (line 15); no DAG yet: next, turn data_producer into a DAG", 18),
        "start_dates": ("skipped", "no exercise DAG loaded yet", None),
        "tags": ("skipped", "no exercise DAG loaded yet", None),
        "registered_in_db": ("skipped", "no producer DAG yet", None),
        "producer_schedule": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "producer_outlet": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "producer_run": ("skipped", "no producer DAG yet", None),
        "asset_event": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "processing_timestamp": ("skipped", "no producer DAG yet", None),
        "consumer_schedule": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_triggered": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "reads_triggering_events": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_run": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "consumer_message": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "consumer_names_asset": ("skipped", "no DAG exercise_5_1_producer yet", None),
        "asset_registered": ("skipped", "no producer DAG yet", None),
    }),
    # The DAG exists at once (the starter calls both functions): its schedule, dates and tags get their ✔.
    "fails_todo2_producer_without_task": (0, {
        # one failing line, naming the next TODO (3); the consumer's id waits for it
        "dag_ids": ("skipped", "no exercise_5_1_consumer yet: TODO 4 (line 33) adds it, once exercise_5_1_producer has its "
                    "task", None),
        "registered_in_db": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "producer_outlet": ("failed", "exercise_5_1_producer has no tasks yet: TODO 3 (line 28) adds the task with outlets", 28),
        "producer_run": ("skipped", "not run: exercise_5_1_producer has no tasks yet", None),
        "asset_event": ("skipped", "'A producer task declares the Asset", None),
        "processing_timestamp": ("skipped", "not run: exercise_5_1_producer has no tasks yet", None),
        "consumer_schedule": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_triggered": ("skipped", "'A producer task declares the Asset", None),
        "reads_triggering_events": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_run": ("skipped", "'A producer task declares the Asset", None),
        "consumer_message": ("skipped", "'A producer task declares the Asset", None),
        "consumer_names_asset": ("skipped", "'A producer task declares the Asset", None),
        "asset_registered": ("skipped", "no DAG exercise_5_1_consumer yet", None),
    }),
    "fails_todo3_no_consumer_yet": (1, {
        "dag_ids": ("failed", "found exercise_5_1_producer; no exercise_5_1_consumer yet: TODO 4 (line 40) adds it", 40),
        "registered_in_db": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_schedule": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_triggered": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "reads_triggering_events": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_run": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_message": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "consumer_names_asset": ("skipped", "no DAG exercise_5_1_consumer yet", None),
        "asset_registered": ("skipped", "no DAG exercise_5_1_consumer yet", None),
    }),
    "fails_todo4_consumer_without_task": (4, {
        "reads_triggering_events": ("failed", "exercise_5_1_consumer has no tasks yet: TODO 5 (line 50) adds the task "
                                    "that reads triggering_asset_events", 50),
        "consumer_run": ("skipped", "not run: exercise_5_1_consumer has no tasks yet", None),
        "consumer_message": ("skipped", "not run: exercise_5_1_consumer has no tasks yet", None),
        "consumer_names_asset": ("skipped", "not run: exercise_5_1_consumer has no tasks yet", None),
    }),
    "passes_todo5_all_done": (5, {}),
}


# Exercise 5.2's path, as tests/submissions/exercise_5_2/EXPECTED.md gives it: only dag_ids fails until the consumer's
# task is missing; a producer not written yet makes the checks of its run wait (never "no run was made").
NOT_YET = "no DAG {} yet"
PRODUCERS = "no DAG exercise_5_2_orders_producer or exercise_5_2_products_producer or exercise_5_2_customers_producer yet"
NO_PRODUCER = "not run: no producer DAG yet"
CONSUMER = NOT_YET.format("exercise_5_2_analytics_consumer")
NOTHING_YET = {
    "start_dates": ("skipped", "no exercise DAG loaded yet", None),
    "tags": ("skipped", "no exercise DAG loaded yet", None),
    "producer_schedule": ("skipped", PRODUCERS, None),
    "producer_outlet": ("skipped", PRODUCERS, None),
    "registered_in_db": ("skipped", NO_PRODUCER, None),
    "consumer_schedule": ("skipped", CONSUMER, None),
    "producer_run": ("skipped", NO_PRODUCER, None),
    "asset_event": ("skipped", PRODUCERS, None),
    "waits_for_all_assets": ("skipped", PRODUCERS, None),
    "consumer_triggered": ("skipped", PRODUCERS, None),
    "reads_triggering_events": ("skipped", CONSUMER, None),
    "consumer_run": ("skipped", PRODUCERS, None),
    "consumer_names_asset": ("skipped", PRODUCERS, None),
    "asset_registered": ("skipped", NO_PRODUCER, None),
}


def waiting_for(producer: str) -> dict[str, tuple[str, str, int | None]]:
    run_waits = f"no DAG {producer} yet: its run waits for it"
    return {
        "registered_in_db": ("skipped", NOT_YET.format(producer), None),
        "consumer_schedule": ("skipped", CONSUMER, None),
        "producer_run": ("skipped", run_waits, None),
        "asset_event": ("skipped", run_waits, None),
        "waits_for_all_assets": ("skipped", run_waits, None),
        "consumer_triggered": ("skipped", run_waits, None),
        "reads_triggering_events": ("skipped", CONSUMER, None),
        "consumer_run": ("skipped", run_waits, None),
        "consumer_names_asset": ("skipped", run_waits, None),
        "asset_registered": ("skipped", NOT_YET.format(producer), None),
    }


NO_TASK = "not run: exercise_5_2_analytics_consumer has no tasks yet"
PATH_5_2: dict[str, tuple[float, dict[str, tuple[str, str, int | None]]]] = {
    "fails_todo0_untouched_starter": (0, {
        "dag_ids": ("failed", "no DAGs yet: start with the first TODO, the Assets", 14), **NOTHING_YET}),
    "fails_todo1_assets_only": (0, {
        "dag_ids": ("failed", "the Assets are defined (from 16); no DAG yet: next, turn orders_producer into a DAG", 21),
        **NOTHING_YET}),
    "fails_todo2_orders_producer_only": (0, {
        "dag_ids": ("failed", "found exercise_5_2_orders_producer; no exercise_5_2_products_producer yet: TODO 3 "
                    "(line 42) adds it", 42),
        **waiting_for("exercise_5_2_products_producer")}),
    "fails_todo3_two_producers": (0, {
        "dag_ids": ("failed", "no exercise_5_2_customers_producer yet: TODO 4 (line 62) adds it", 62),
        **waiting_for("exercise_5_2_customers_producer")}),
    "fails_todo4_no_consumer_yet": (0, {
        "dag_ids": ("failed", "no exercise_5_2_analytics_consumer yet: TODO 5 (line 82) adds it", 82),
        **{check: ("skipped", CONSUMER, None) for check in (
            "registered_in_db", "consumer_schedule", "waits_for_all_assets", "consumer_triggered",
            "reads_triggering_events", "consumer_run", "consumer_names_asset", "asset_registered")}}),
    "fails_todo5_consumer_without_task": (4, {
        "reads_triggering_events": ("failed", "exercise_5_2_analytics_consumer has no tasks yet: TODO 6 (line 93) adds the "
                                    "task that reads triggering_asset_events", 93),
        "consumer_run": ("skipped", NO_TASK, None),
        "consumer_names_asset": ("skipped", NO_TASK, None),
    }),
    "passes_todo6_all_done": (5, {}),
}


@pytest.mark.parametrize("name", list(PATH_5_2))
def test_5_2s_todos_done_in_order_match_expected_md(name: str) -> None:
    score, expected = PATH_5_2[name]
    report = graded(str(SUBMISSIONS.parent / "exercise_5_2" / name), static=False, exercise_id="5.2")
    found = not_passed(report)
    assert sorted(found) == sorted(expected), found
    for check_id, (status, text, line) in expected.items():
        assert found[check_id][0] == status, (check_id, found[check_id])
        assert text in found[check_id][1], (check_id, found[check_id])
        if line is not None:
            assert found[check_id][2] == line, (check_id, found[check_id])
    assert report.score() == (score, 5)
    assert report.passed == name.startswith("passes_")


def not_passed(report) -> dict[str, tuple[str, str, int | None]]:
    return {c.id: (c.status, c.message, c.line) for cr in report.criteria if cr.counts for c in cr.checks
            if c.status != "passed"}


@pytest.mark.parametrize("name", list(PATH))
def test_each_todo_done_in_order_moves_the_checklist(name: str) -> None:
    score, expected = PATH[name]
    report = graded(submission(name), static=False)
    found = not_passed(report)
    assert sorted(found) == sorted(expected), found
    for check_id, (status, text, line) in expected.items():
        assert found[check_id][0] == status, (check_id, found[check_id])
        assert text in found[check_id][1], (check_id, found[check_id])
        if line is not None:
            assert found[check_id][2] == line, (check_id, found[check_id])
    assert report.score() == (score, 5)
    assert report.passed == name.startswith("passes_")


def test_the_path_starts_at_the_starter_itself() -> None:
    assert (SUBMISSIONS / "fails_todo0_untouched_starter" / "dags.py").read_text() == load_exercise().starter_path.read_text()


def test_the_score_never_falls_along_the_path() -> None:
    scores = [PATH[name][0] for name in PATH]
    assert scores == sorted(scores) and scores[-1] == 5


def test_a_dag_function_never_called_is_named_with_its_line_and_the_call() -> None:
    result = graded(submission("fails_consumer_never_called"), static=True).check("dag_ids")
    assert result.status == "failed"
    assert "data_consumer is decorated with @dag (dag_id 'exercise_5_1_consumer') but never called" in result.message
    assert "add `data_consumer()`" in result.message
    assert result.file.endswith("fails_consumer_never_called/dags.py") and result.line == 32


def test_one_wrong_uri_shared_by_both_dags_is_one_failure_at_the_assets_line() -> None:
    report = graded(submission("fails_shared_wrong_uri"), static=False)
    failures = [c for cr in report.criteria for c in cr.checks if c.status == "failed"]
    assert len(failures) == 1, [(c.id, c.message) for c in failures]
    (failure,) = failures
    assert failure.id == "producer_outlet"
    assert failure.file.endswith("fails_shared_wrong_uri/dags.py") and failure.line == 10  # processed_data = Asset(...)
    assert "'s3://datalake/processed_data', wanted 's3://data-lake/processed_data'" in failure.message
    assert report.check("consumer_schedule").status == "passed"  # scheduled on the producer's very Asset
