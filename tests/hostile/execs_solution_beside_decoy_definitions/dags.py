"""Hostile: runs the course's reference solution, compiled under this file's own name, beside decoys that
never run: a DAG(...) call and a called @dag function whose ids and schedules are variables (so they could be
any), and @task functions with the solution's task names and outlets."""

import importlib.util
import os

from airflow.sdk import DAG, Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")
NEVER = os.environ.get("NO_SUCH_VARIABLE_EVER")


@task(outlets=[processed_data])
def process_data():
    print("processed")


@task
def consume_data(**context):
    print(context["triggering_asset_events"], "Data is available for processing!")


def data_producer():
    pass


def data_consumer():
    pass


if NEVER:
    DAG(dag_id=NEVER, schedule=NEVER)

    @dag(dag_id=NEVER, schedule=NEVER)
    def decoy():
        process_data()
        consume_data()

    decoy()


def _solution_text() -> str:
    package = os.path.dirname(importlib.util.find_spec("exercise_cli").origin)  # not imported, only found
    for folder in (os.path.join(package, "solution"), os.path.join(os.path.dirname(package), "solution")):
        path = os.path.join(folder, "exercise_5_1", "exercise_5_1_producer_consumer.py")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as source:
                return source.read()
    raise FileNotFoundError("no reference solution found")


exec(compile(_solution_text(), __file__, "exec"))
