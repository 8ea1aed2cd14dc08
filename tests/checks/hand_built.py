"""Hand-built inputs for one check at a time: DAG sources and run facts written out by hand."""

from __future__ import annotations

from pathlib import Path

from exercise_cli.course import Exercise, load_course, load_exercise
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


# The test course's exercise (tests/checks/data): two producers (schedule=None) and two consumers, one on
# both Assets ("all"), one on orders alone with a message.
TEST_COURSE = Path(__file__).parent / "data" / "course.toml"
ORDERS, PRODUCTS = "postgres://warehouse/orders", "postgres://warehouse/products"
WAREHOUSE = """\
from datetime import datetime
from airflow.sdk import Asset, dag, task
orders = Asset("postgres://warehouse/orders")
products = Asset("postgres://warehouse/products")

@dag(dag_id="t_orders_producer", schedule=None, start_date=datetime(2024, 1, 1), tags=["test", "producer", "orders"])
def orders_producer():
    @task(outlets=[orders])
    def load_orders():
        print("orders")
    load_orders()
orders_producer()

@dag(dag_id="t_products_producer", schedule=None, start_date=datetime(2024, 1, 1), tags=["test", "producer", "products"])
def products_producer():
    @task(outlets=[products])
    def load_products():
        print("products")
    load_products()
products_producer()

@dag(dag_id="t_report_consumer", schedule=[orders, products], start_date=datetime(2024, 1, 1),
     tags=["test", "consumer", "report"])
def report_consumer():
    @task
    def report(**context):
        for asset, events in context["triggering_asset_events"].items():
            print(asset.uri)
    report()
report_consumer()

@dag(dag_id="t_audit_consumer", schedule=[orders], start_date=datetime(2024, 1, 1), tags=["test", "consumer", "audit"])
def audit_consumer():
    @task
    def audit(**context):
        for asset, events in context["triggering_asset_events"].items():
            print(asset.uri)
        print("Audit done")
    audit()
audit_consumer()
"""


def warehouse() -> Exercise:
    return load_course(TEST_COURSE.resolve()).exercise("t.1")


def ran(exercise: Exercise | None = None, **facts) -> Submission:
    """A Submission with only run facts, for the dynamic checks (which read nothing else)."""
    return Submission(exercise=exercise or load_exercise(), files=["dags.py"], dags={}, import_errors={}, warnings={},
                      learner_paths={}, mode="full", run=RunFacts(**facts))


def in_warehouse(sub: Submission) -> Submission:
    """A Submission `load` built, graded as the test course's exercise."""
    sub.exercise = warehouse()
    return sub


def task(task_id: str, output: str = "", state: str = "success", started: float = 0.0, ended: float = 4e9, **more) -> TaskRun:
    return TaskRun(task_id, state, output, started, ended, **more)


def dag_run(dag_id: str, run_id: str, state: str = "success", tasks=(), consumed=(), run_type: str = "scheduled") -> DagRunFacts:
    return DagRunFacts(dag_id, run_id, run_type, state, list(tasks), list(consumed))


def event(uri: str, source_dag_id: str, number: int = 1, source_run_id: str = "r", source_task_id: str = "t") -> dict:
    return {"id": number, "uri": uri, "source_dag_id": source_dag_id, "source_task_id": source_task_id,
            "source_run_id": source_run_id, "timestamp": "2026-01-01T00:00:00+00:00"}
