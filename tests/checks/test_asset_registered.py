from exercise_cli.checks import asset_registered
from hand_built import CONSUMER, HEADER, PRODUCER

from exercise_cli.facts import RunFacts

RECORD = {"active": True, "producing_tasks": [{"dag_id": "exercise_5_1_producer", "task_id": "process_data"}],
          "scheduled_dags": [{"dag_id": "exercise_5_1_consumer"}]}


def viewed(load, record):
    sub = load(HEADER + PRODUCER + CONSUMER)
    sub.run = RunFacts(asset_record=record)
    return sub


def test_passes_with_producer_and_consumer(load) -> None:
    assert asset_registered.check(viewed(load, RECORD)).status == "passed"


def test_no_scheduled_dag_fails(load) -> None:
    outcome = asset_registered.check(viewed(load, dict(RECORD, scheduled_dags=[])))
    assert outcome.status == "failed" and "scheduled DAGs none" in outcome.message


def test_no_asset_fails(load) -> None:
    assert "neither DAG declares it" in asset_registered.check(viewed(load, {})).message
