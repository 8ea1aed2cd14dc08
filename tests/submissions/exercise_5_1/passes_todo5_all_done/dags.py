"""Exercise 5.1: Basic Producer/Consumer.

Two DAGs connected by an Asset: the producer's task updates the Asset, and Airflow's
scheduler then triggers the consumer DAG. Complete the TODOs in order, then run
`exercise check` after each one.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, task

# TODO 1: Define the Asset that connects both DAGs. Its URI is s3://data-lake/processed_data
processed_data = Asset("s3://data-lake/processed_data")


# TODO 2: Turn data_producer into a DAG with @dag(...): dag_id "exercise_5_1_producer",
#         an hourly schedule, start date January 1, 2024, and the tags from the statement.
@dag(
    dag_id="exercise_5_1_producer",
    schedule="@hourly",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer"],
)
def data_producer():
    # TODO 3: Add a task that simulates data processing, logs the processing timestamp,
    #         and declares the Asset in its outlets so that Airflow records an asset event.
    @task(outlets=[processed_data])
    def process_data():
        print("Processing data...")
        processed_at = datetime.now().isoformat()
        print(f"Data processed at {processed_at}")
        return {"status": "processed", "timestamp": processed_at}

    process_data()


# TODO 4: Turn data_consumer into a DAG with @dag(...): dag_id "exercise_5_1_consumer",
#         scheduled on the Asset, start date January 1, 2024, and the tags from the statement.
@dag(
    dag_id="exercise_5_1_consumer",
    schedule=[processed_data],
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "consumer"],
)
def data_consumer():
    # TODO 5: Add a task that prints "Data is available for processing!", then, from
    #         context["triggering_asset_events"], each Asset's URI and event.timestamp.
    @task
    def consume_data(**context):
        print("Data is available for processing!")
        for asset, events in context["triggering_asset_events"].items():
            print(f"Triggered by: {asset.uri} ({len(events)} event(s))")
            for event in events:
                print(f"  event timestamp: {event.timestamp}")

    consume_data()


# Each call creates its DAG as soon as the function above is decorated with @dag (Airflow keeps
# the DAGs a file creates when it imports it), so `exercise check` credits every TODO you finish.
data_producer()
data_consumer()
