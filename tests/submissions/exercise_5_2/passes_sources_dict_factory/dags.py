"""Passes: the Assets in a dict, the producers made by a factory in a loop (f-string ids), and the consumer on
list(SOURCES.values()): a list, so it waits for all three."""

from __future__ import annotations

from datetime import datetime, timezone

import pendulum
from airflow.sdk import Asset, dag, task

SOURCES = {name: Asset(f"postgres://warehouse/{name}") for name in ("orders", "products", "customers")}
START = pendulum.datetime(2024, 1, 1, tz="UTC")


def producer(name: str, asset: Asset):
    @dag(dag_id=f"exercise_5_2_{name}_producer", schedule=None, start_date=START, catchup=False,
         tags=["exercise", "module-05", "assets", "producer", name])
    def load_source():
        @task(task_id=f"load_{name}", outlets=[asset])
        def load() -> dict[str, str]:
            loaded_at = datetime.now(timezone.utc).isoformat()
            print(f"{name} loaded at {loaded_at}")
            return {"table": name, "timestamp": loaded_at}

        load()

    return load_source()


for source_name, source_asset in SOURCES.items():
    globals()[f"{source_name}_producer"] = producer(source_name, source_asset)


@dag(dag_id="exercise_5_2_analytics_consumer", schedule=list(SOURCES.values()), start_date=START, catchup=False,
     tags=["exercise", "module-05", "assets", "consumer", "analytics"])
def analytics_consumer():
    @task
    def build_analytics(**context) -> None:
        triggering_asset_events = context["triggering_asset_events"]
        for asset, events in triggering_asset_events.items():
            print(f"Asset: {asset.uri}")
            for event in events:
                print(f"  from {event.source_dag_id}.{event.source_task_id} at {event.timestamp}")

    build_analytics()


analytics_consumer()
