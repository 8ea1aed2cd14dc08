"""Hostile: the reference solution, whose producer task looks for the other gradings on the machine and
tries to read their copies, homes and databases; it fails its own task if it can read any, or sees
none."""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task
import glob
import os
import time


def read_other_gradings() -> None:
    """Wait (up to 20 s) for another grading's throwaway folder, then try every way into it."""
    own = os.path.dirname(os.path.realpath(os.environ.get("TMPDIR", "/nonexistent")))
    deadline = time.monotonic() + 20
    others: list[str] = []
    while not others and time.monotonic() < deadline:  # its classmates' folders lie beside its own
        others = [d for d in glob.glob(f"{os.path.dirname(own)}/exercise-check-*") if os.path.realpath(d) != own]
        time.sleep(0.2)
    if not others:
        raise RuntimeError("saw no other grading: this test proves nothing")
    read = []
    for other in others:
        for path in (other, f"{other}/dags", f"{other}/home", f"{other}/scratch"):
            try:
                read.append(f"{path}: {os.listdir(path)}")
            except OSError:
                pass
        for path in [*glob.glob(f"{other}/dags/*.py"), f"{other}/home/job.json", f"{other}/home/airflow.db"]:
            try:
                with open(path, "rb") as f:
                    read.append(f"{path}: {f.read(200)!r}")
            except OSError:
                pass
    print(f"saw {len(others)} other grading(s)")
    if read:
        raise RuntimeError("read another grading's files: " + "; ".join(read))

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
        read_other_gradings()
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
