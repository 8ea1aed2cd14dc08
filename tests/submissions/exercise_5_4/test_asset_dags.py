"""asset_dags (exercise 5.4's own check): DAGs loaded by Airflow's DagBag from @asset functions, and not."""

from __future__ import annotations

from exercise_cli.checks import check_module
from exercise_cli.course import load_exercise

EXERCISE = load_exercise("5.4")
CHECK = check_module("asset_dags", EXERCISE)
ASSETS = '''
from airflow.sdk import asset

@asset(uri="s3://data-lake/raw_sales", schedule="@daily", dag_id="exercise_5_4_raw_sales")
def raw_sales(self):
    pass

@asset(uri="{summary_uri}", schedule=raw_sales, dag_id="exercise_5_4_sales_summary")
def sales_summary(self, context):
    pass
'''


def graded(load, source: str):
    sub = load(source)
    sub.exercise = EXERCISE
    return CHECK.check(sub)


def test_two_assets_make_two_one_task_dags(load) -> None:
    outcome = graded(load, ASSETS.format(summary_uri="s3://data-lake/sales_summary"))
    assert outcome.status == "passed", outcome.message
    assert "exercise_5_4_raw_sales: one @asset task, raw_sales, producing s3://data-lake/raw_sales" in outcome.message


def test_an_asset_of_another_uri_is_named(load) -> None:
    outcome = graded(load, ASSETS.format(summary_uri="s3://data-lake/summary"))
    assert outcome.status == "failed"
    assert "produces s3://data-lake/summary; wanted s3://data-lake/sales_summary" in outcome.message


def test_a_dag_written_with_dag_and_task_is_no_asset(load) -> None:
    source = ASSETS.format(summary_uri="s3://data-lake/sales_summary").replace(
        '@asset(uri="s3://data-lake/raw_sales", schedule="@daily", dag_id="exercise_5_4_raw_sales")\ndef raw_sales(self):\n    pass\n',
        '''from datetime import datetime
from airflow.sdk import Asset, dag, task
raw_sales = Asset("s3://data-lake/raw_sales")

@dag(dag_id="exercise_5_4_raw_sales", schedule="@daily", start_date=datetime(2024, 1, 1))
def producer():
    @task(outlets=[raw_sales])
    def load():
        pass
    load()
producer()
''')
    outcome = graded(load, source)
    assert outcome.status == "failed" and "exercise_5_4_raw_sales has 1 task(s) of type _PythonDecoratedOperator" in outcome.message
