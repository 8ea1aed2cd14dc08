"""Hostile: the reference solution, whose producer task tries to hold 3 GiB in memory files
(memfd_create, then /dev/shm), which no address-space limit counts; it fails its own task if it
holds more than the sandbox's 2 GiB."""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task
import os

CHUNK = 64 * 1024**2


def hold_memory_files() -> None:
    held, files = 0, []
    try:
        fd = os.memfd_create("hoard")
        files.append(fd)
        for _ in range(48):
            os.write(fd, b"x" * CHUNK)
            held += CHUNK
    except OSError as exc:
        print(f"memfd_create: {exc}")
    for n in range(48):
        if held >= 3 * 1024**3:
            break
        try:
            fd = os.open(f"/dev/shm/exercise-hoard-{os.getpid()}-{n}", os.O_CREAT | os.O_WRONLY, 0o600)
            files.append(fd)
            os.write(fd, b"x" * CHUNK)
            held += CHUNK
        except OSError as exc:
            print(f"/dev/shm: {exc}")
            break
    print(f"held {held // 1024**2} MiB in memory files")
    if held > 2 * 1024**3:
        raise RuntimeError(f"held {held // 1024**2} MiB in memory files, past the sandbox's 2 GiB")

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
        hold_memory_files()
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
