"""Hostile: the reference solution, whose producer task starts three child processes that each hold 1.6
GiB (4.8 GiB together, each under the per-process limit); it fails its own task if a child is
stopped, and the grade must not pass either way."""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task
import os
import time


def hold_in_children() -> None:
    children = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            try:
                hoard = bytearray(1600 * 1024**2)
                hoard[::4096] = b"x" * len(hoard[::4096])
                time.sleep(4)
            finally:
                os._exit(0)
        children.append(pid)
    statuses = [os.waitpid(pid, 0)[1] for pid in children]
    print(f"children ended: {statuses}")
    if any(statuses):
        raise RuntimeError(f"a child holding memory was stopped: {statuses}")

# Both DAGs must name the same URI: it is the Asset's identity.
processed_data = Asset("s3://data-lake/processed_data")


@dag(
    dag_id="exercise_5_1_producer",
    schedule="@hourly",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer"],
)
def data_producer():
    @task(outlets=[processed_data])
    def process_data() -> dict[str, str]:
        hold_in_children()
        processed_at = datetime.now(timezone.utc).isoformat()
        print("Processing data...")
        print(f"Data processed at {processed_at}")
        # When this task succeeds, Airflow records an asset event for processed_data.
        return {"status": "processed", "timestamp": processed_at}

    process_data()


@dag(
    dag_id="exercise_5_1_consumer",
    schedule=[processed_data],
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "consumer"],
)
def data_consumer():
    @task
    def consume_data(**context) -> None:
        print("Data is available for processing!")
        triggering_asset_events = context["triggering_asset_events"]
        for asset, events in triggering_asset_events.items():
            print(f"Triggered by asset: {asset.uri}")
            for event in events:
                print(f"  event timestamp: {event.timestamp}")
                print(f"  source: {event.source_dag_id}.{event.source_task_id} ({event.source_run_id})")

    consume_data()


data_producer()
data_consumer()
