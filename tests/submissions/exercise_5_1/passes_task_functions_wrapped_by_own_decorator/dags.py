"""Legitimate: each task function wrapped by a small logging decorator of the file's own (functools.wraps)."""
import functools
from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")


def logged(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        print(f"starting {function.__name__}")
        return function(*args, **kwargs)

    return wrapper


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    @logged
    def process_data():
        print(f"Data processed at {datetime.now(timezone.utc).isoformat()}")

    process_data()


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task
    @logged
    def consume_data(**context):
        print("Data is available for processing!")
        for asset, events in context["triggering_asset_events"].items():
            print(f"Triggered by asset: {asset.uri}")
            for event in events:
                print(f"  event timestamp: {event.timestamp}")

    consume_data()


data_producer()
data_consumer()
