"""Legitimate: the task functions are plain functions, made tasks by applying task(...) by hand."""
from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")


def process():
    print(f"Data processed at {datetime.now(timezone.utc).isoformat()}")


def consume(**context):
    print("Data is available for processing!")
    for asset, events in context["triggering_asset_events"].items():
        print(f"Triggered by asset: {asset.uri}")
        for event in events:
            print(f"  event timestamp: {event.timestamp}")


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    task(outlets=[processed_data])(process)()


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    task(consume)()


data_producer()
data_consumer()
