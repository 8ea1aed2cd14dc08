"""Legitimate: every DAG's settings in one dict each, passed with **; dag_id is in the dict."""
from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")
COMMON = {"start_date": datetime(2024, 1, 1), "catchup": False}
PRODUCER = {**COMMON, "dag_id": "exercise_5_1_producer", "schedule": "@hourly",
            "tags": ["exercise", "module-05", "assets", "producer"]}
CONSUMER = {**COMMON, "dag_id": "exercise_5_1_consumer", "schedule": [processed_data],
            "tags": ["exercise", "module-05", "assets", "consumer"]}


@dag(**PRODUCER)
def data_producer():
    @task(outlets=[processed_data])
    def process_data():
        print(f"Data processed at {datetime.now(timezone.utc).isoformat()}")

    process_data()


@dag(**CONSUMER)
def data_consumer():
    @task
    def consume_data(**context):
        print("Data is available for processing!")
        for asset, events in context["triggering_asset_events"].items():
            print(f"Triggered by asset: {asset.uri}")
            for event in events:
                print(f"  event timestamp: {event.timestamp}")

    consume_data()


data_producer()
data_consumer()
