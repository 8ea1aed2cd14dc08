"""Hostile: no Airflow DAG code of its own. It claims to be the shipped reference solution: it sets
`__file__` to the solution's path and compiles the solution's text under that name (read from the file
where the sandbox lets it, else a copy of it), hoping the grader reads (and quotes, and runs) the
solution as this submission's work."""

import os

import exercise_cli

__file__ = os.path.join(os.path.dirname(os.path.dirname(exercise_cli.__file__)), "solution", "exercise_5_1",
                        "exercise_5_1_producer_consumer.py")
try:
    with open(__file__, encoding="utf-8") as source:
        text = source.read()
except OSError:  # the sandbox hides the course: the same code, brought along
    text = '''
from datetime import datetime
from airflow.sdk import Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    def process_data():
        print(f"Data processed at {datetime.now()}")

    process_data()


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task
    def consume_data(**context):
        print("Data is available for processing!")
        for asset in context["triggering_asset_events"]:
            print(f"Triggered by asset: {asset.uri}")

    consume_data()


data_producer()
data_consumer()
'''
exec(compile(text, __file__, "exec"))
