"""The course's two DAGs, made by functions the DAG file calls."""
from datetime import datetime, timezone

from airflow.sdk import dag, task

TAGS = ["exercise", "module-05", "assets"]


def make_producer(asset):
    @dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
         tags=[*TAGS, "producer"])
    def data_producer():
        @task(outlets=[asset])
        def process_data():
            print(f"Data processed at {datetime.now(timezone.utc).isoformat()}")

        process_data()

    return data_producer()


def make_consumer(asset):
    @dag(dag_id="exercise_5_1_consumer", schedule=[asset], start_date=datetime(2024, 1, 1), catchup=False,
         tags=[*TAGS, "consumer"])
    def data_consumer():
        @task
        def consume_data(**context):
            print("Data is available for processing!")
            for triggering, events in context["triggering_asset_events"].items():
                print(f"Triggered by asset: {triggering.uri}")
                for event in events:
                    print(f"  event timestamp: {event.timestamp}")

        consume_data()

    return data_consumer()
