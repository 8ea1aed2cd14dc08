"""Passes: one factory makes both DAGs, called in a loop; each dag_id is an f-string, the start date pendulum's."""

from __future__ import annotations

from datetime import datetime, timezone

import pendulum
from airflow.sdk import Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")
ROLES = {
    "producer": "@hourly",
    "consumer": [processed_data],
}


def build(role: str, schedule):
    @dag(
        dag_id=f"exercise_5_1_{role}",
        schedule=schedule,
        start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
        catchup=False,
        tags=["exercise", "module-05", "assets", role],
    )
    def pipeline():
        if role == "producer":
            @task(outlets=[processed_data])
            def process_data() -> dict[str, str]:
                processed_at = datetime.now(timezone.utc).isoformat()
                print(f"Data processed at {processed_at}")
                return {"timestamp": processed_at}

            process_data()
        else:
            @task
            def consume_data(**context) -> None:
                print("Data is available for processing!")
                for asset, events in context["triggering_asset_events"].items():
                    print(f"Triggered by asset: {asset.uri}")
                    for event in events:
                        print(f"  {event.source_dag_id}.{event.source_task_id} at {event.timestamp}")

            consume_data()

    return pipeline()


for role, schedule in ROLES.items():
    globals()[f"{role}_dag"] = build(role, schedule)
