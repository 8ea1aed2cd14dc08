from __future__ import annotations

import logging
from datetime import datetime

import pendulum
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, Asset

log = logging.getLogger(__name__)
processed_data = Asset("s3://data-lake/processed_data")


def produce():
    stamp = pendulum.now("UTC").to_iso8601_string()
    log.info("processing finished at %s", stamp)


def consume(**context):
    print("Data is available for processing!")
    for asset, events in context["triggering_asset_events"].items():
        log.info("triggered by %s (%d events)", asset.uri, len(events))
        for event in events:
            log.info("  event of %s at %s", event.source_run_id, event.timestamp)


with DAG(
    "exercise_5_1_producer",
    schedule="@hourly",
    start_date=datetime(2024, 1, 1),
    tags=["producer", "assets", "module-05", "exercise"],
):
    PythonOperator(task_id="produce", python_callable=produce, outlets=[processed_data])

with DAG(
    dag_id="exercise_5_1_consumer",
    schedule=[processed_data],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    tags=["exercise", "module-05", "assets", "consumer"],
):
    PythonOperator(task_id="consume", python_callable=consume)
