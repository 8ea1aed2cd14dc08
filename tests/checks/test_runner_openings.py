"""The runner, not the checks, says when a check cannot be decided: no run, no DAG, a failed prerequisite,
a fact this mode could not obtain; and it adds each check's title and the course's hint."""

from hand_built import HEADER, PRODUCER, dag_run, ran, task

from exercise_cli.verdicts import evaluate


def test_static_mode_leaves_dynamic_checks_to_a_full_run(load) -> None:
    sub = load(HEADER + PRODUCER, mode="static")
    results = evaluate(sub.exercise, sub, kinds={"static", "dynamic"})
    assert results["producer_run"]["status"] == "skipped" and "needs a full run" in results["producer_run"]["message"]


def test_checks_about_a_missing_dag_wait_for_it(load) -> None:
    sub = load(HEADER + PRODUCER)
    results = evaluate(sub.exercise, sub, kinds={"static"})
    assert results["consumer_schedule"] == {
        "id": "consumer_schedule", "status": "skipped", "message": "no DAG exercise_5_1_consumer yet", "hint": "",
        "file": None, "line": None, "title": sub.exercise.check("consumer_schedule").title}
    assert results["producer_schedule"]["status"] == "passed"


def test_a_failed_prerequisite_skips_its_dependants_once(load) -> None:
    sub = load("from airflow.sdk import dag\nfrom airflow.datasets import Dataset\n")
    results = evaluate(sub.exercise, sub, kinds={"static"})
    assert results["files_import"]["status"] == "failed"
    waiting = [cid for cid, r in results.items() if r["status"] == "skipped"]
    assert "dag_ids" in waiting and "airflow3_imports" in waiting
    assert [cid for cid, r in results.items() if r["status"] == "failed"] == ["files_import"]


def test_a_fact_this_mode_could_not_obtain_skips_the_checks_reading_it(load) -> None:
    sub = load(HEADER + PRODUCER, mode="live")
    facts = ran(runs={"exercise_5_1_producer": dag_run("exercise_5_1_producer", "manual__1", tasks=[task("process_data")])},
                unavailable={"task_output": "the deployment did not serve the task log of process_data (404)"}).run
    sub.run = facts
    results = evaluate(sub.exercise, sub, kinds={"dynamic"}, earlier={})
    assert results["producer_run"]["status"] == "passed"
    assert results["processing_timestamp"]["status"] == "skipped"
    assert results["processing_timestamp"]["message"] == (
        "cannot tell in this mode: the deployment did not serve the task log of process_data (404)")


def test_a_failure_without_its_own_hint_gets_the_courses(load) -> None:
    sub = load(HEADER + PRODUCER.replace('"@hourly"', '"@daily"'))
    record = evaluate(sub.exercise, sub, kinds={"static"})["producer_schedule"]
    spec = sub.exercise.check("producer_schedule")
    assert record["status"] == "failed" and record["hint"] == spec.hint and record["title"] == spec.title


def test_a_check_waiting_on_a_waiting_check_gives_its_cause_not_its_title(load) -> None:
    """'not run yet' names causes only: consumer_message waits on consumer_run, which waits on the scheduler's step."""
    sub = load(HEADER + PRODUCER)
    sub.run = ran(runs={"exercise_5_1_producer": dag_run("exercise_5_1_producer", "scheduled__1", tasks=[task("process_data")])}).run
    results = evaluate(sub.exercise, sub, kinds={"static", "dynamic"})
    assert results["consumer_run"]["status"] == results["consumer_message"]["status"] == "skipped"
    assert results["consumer_message"]["message"] == results["consumer_run"]["message"]
    assert "The asset-triggered consumer run succeeds" not in results["consumer_message"]["message"]


def test_every_check_a_check_requires_must_pass(load) -> None:
    """asset_event requires the outlet check and the run: a wrong URI fails the outlet check alone."""
    sub = load(HEADER.replace("data-lake", "datalake") + PRODUCER)
    sub.run = ran(runs={"exercise_5_1_producer": dag_run("exercise_5_1_producer", "scheduled__1", tasks=[task("process_data")])},
                  events={"exercise_5_1_producer": [{"id": 1, "uri": "s3://datalake/processed_data", "source_dag_id": "exercise_5_1_producer",
                                 "source_task_id": "process_data"}]}).run
    results = evaluate(sub.exercise, sub, kinds={"static", "dynamic"})
    assert results["producer_outlet"]["status"] == "failed" and results["producer_run"]["status"] == "passed"
    assert results["asset_event"]["status"] == "skipped"
    assert "'A producer task declares the Asset" in results["asset_event"]["message"]
