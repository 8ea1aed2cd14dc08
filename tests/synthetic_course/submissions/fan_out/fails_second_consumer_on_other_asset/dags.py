"""Exercise 9.1 (synthetic, test data): one producer, two consumers of the same Asset."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, task

raw = Asset("file://lake/raw")


@dag(dag_id="fan_producer", schedule=None, start_date=datetime(2024, 1, 1), catchup=False, tags=["fan", "producer"])
def fan_producer():
    @task(outlets=[raw])
    def land() -> None:
        print("landed raw data")

    land()


other = Asset("file://lake/other")


def consumer(dag_id: str):
    @dag(dag_id=dag_id, schedule=[raw] if dag_id == "fan_left" else [other], start_date=datetime(2024, 1, 1), catchup=False, tags=["fan", "consumer"])
    def fan_consumer():
        @task
        def read(**context) -> None:
            for asset, events in context["triggering_asset_events"].items():
                print(f"{dag_id} triggered by {asset.uri} ({len(events)} event)")

        read()

    return fan_consumer()


fan_producer()
consumer("fan_left")
consumer("fan_right")

