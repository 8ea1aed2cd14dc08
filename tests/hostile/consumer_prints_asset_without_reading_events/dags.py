"""Hostile (exercise 5.1): a consumer that never looks at its events. It prints the message and the
Asset's URI from the module-level Asset (processed_data.uri, not the event), and mentions
context["triggering_asset_events"] only in dead code (`if False:`). reads_triggering_events and
consumer_names_asset read the syntax tree for any mention of the key and the output for the URI, so
both pass: graded 5/5 (20 of 20 checks), "logged the triggering Asset ..., read from
triggering_asset_events", though nothing was read from an event."""
from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    def process_data():
        print(f"Data processed at {datetime.now(timezone.utc).isoformat()}")

    process_data()


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task
    def consume_data(**context) -> None:
        print("Data is available for processing!")
        print(f"Triggered by asset: {processed_data.uri}")
        if False:
            context["triggering_asset_events"]

    consume_data()


data_producer()
data_consumer()
