"""Legitimate: the consumer's event report lives in a helper module beside the DAG file."""
from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

from event_report import report_triggering_events

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
    def consume_data():
        print("Data is available for processing!")
        report_triggering_events()

    consume_data()


data_producer()
data_consumer()
