"""Legitimate: the task options (task_id, outlets) kept in a dict and passed to @task with **."""
from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")
PRODUCE = {"task_id": "process_data", "outlets": [processed_data], "retries": 0}
CONSUME = {"task_id": "consume_data", "retries": 0}


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(**PRODUCE)
    def produce():
        print(f"Data processed at {datetime.now(timezone.utc).isoformat()}")

    produce()


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task(**CONSUME)
    def consume(**context):
        print("Data is available for processing!")
        for asset, events in context["triggering_asset_events"].items():
            print(f"Triggered by asset: {asset.uri}")
            for event in events:
                print(f"  event timestamp: {event.timestamp}")

    consume()


data_producer()
data_consumer()
