"""The runner, not the checks, says when a check cannot be decided yet: no run, no DAG, a failed prerequisite."""

from exercise_cli.trusted.grading import _evaluate
from hand_built import HEADER, PRODUCER


def test_static_mode_leaves_dynamic_checks_to_a_full_run(load) -> None:
    sub = load(HEADER + PRODUCER, mode="static")
    results = _evaluate(sub.course, sub, kinds={"static", "dynamic"})
    assert results["producer_run"]["status"] == "skipped" and "needs a full run" in results["producer_run"]["message"]


def test_checks_about_a_missing_dag_wait_for_it(load) -> None:
    sub = load(HEADER + PRODUCER)
    results = _evaluate(sub.course, sub, kinds={"static"})
    assert results["consumer_schedule"] == {"id": "consumer_schedule", "status": "skipped", "message": "no DAG exercise_5_1_consumer yet",
                                            "hint": "", "file": None, "line": None}
    assert results["producer_schedule"]["status"] == "passed"


def test_a_failed_prerequisite_skips_its_dependants_once(load) -> None:
    sub = load("from airflow.sdk import dag\nfrom airflow.datasets import Dataset\n")
    results = _evaluate(sub.course, sub, kinds={"static"})
    assert results["files_import"]["status"] == "failed"
    waiting = [cid for cid, r in results.items() if r["status"] == "skipped"]
    assert "dag_ids" in waiting and "airflow3_imports" in waiting
    assert [cid for cid, r in results.items() if r["status"] == "failed"] == ["files_import"]
