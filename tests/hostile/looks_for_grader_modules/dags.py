"""Hostile (a probe): a correct 5.1 submission that fails wherever it finds an easy sign of the grader, at
import (the parse child, and each task child as it parses the file again) and in each task: the grader's
modules loaded, its name in argv, in __main__ or in the environment's names."""

import os
import sys


def grader_signs() -> list[str]:
    main = getattr(sys.modules.get("__main__"), "__file__", None) or ""
    found = [name for name in sys.modules if name.partition(".")[0] == "exercise_cli"]
    found += [arg for arg in sys.argv if "exercise_cli" in arg or "grading_process" in arg]
    found += [main] if "exercise_cli" in main else []
    found += [key for key in os.environ if "EXERCISE" in key.upper()]
    return found


if grader_signs():
    raise RuntimeError(f"found the grader: {grader_signs()[:3]}")


from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

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
        if grader_signs():
            raise RuntimeError(f"found the grader: {grader_signs()[:3]}")
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
