"""Hand-built inputs for one check at a time: DAG sources and run facts written out by hand."""

from __future__ import annotations

from exercise_cli.course import load_exercise
from exercise_cli.facts import DagRunFacts, RunFacts, Submission, TaskRun

HEADER = """\
from datetime import datetime
from airflow.sdk import Asset, dag, task
processed_data = Asset("s3://data-lake/processed_data")
"""
PRODUCER = """
@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1),
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    def process_data():
        print("processed")
    process_data()
data_producer()
"""
CONSUMER = """
@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1),
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task
    def consume_data(**context):
        for asset, events in context["triggering_asset_events"].items():
            print(asset.uri)
    consume_data()
data_consumer()
"""


def ran(**facts) -> Submission:
    """A Submission with only run facts, for the dynamic checks (which read nothing else)."""
    return Submission(exercise=load_exercise(), files=["dags.py"], dags={}, import_errors={}, warnings={},
                      learner_paths={}, mode="full", run=RunFacts(**facts))


def task(task_id: str, output: str = "", state: str = "success", started: float = 0.0, ended: float = 4e9, **more) -> TaskRun:
    return TaskRun(task_id, state, output, started, ended, **more)


def dag_run(dag_id: str, run_id: str, state: str = "success", tasks=(), consumed=(), run_type: str = "scheduled") -> DagRunFacts:
    return DagRunFacts(dag_id, run_id, run_type, state, list(tasks), list(consumed))
