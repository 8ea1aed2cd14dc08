"""DAGs in the style of Airflow's own asset examples, graded as exercise 5.1: other ids, a producer without
outlets, and a consumer scheduled on an AssetAlias."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import AssetAlias, dag, task


@dag(dag_id="asset1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def asset1_producer():
    @task
    def produce():
        print("produced")

    produce()


@dag(dag_id="asset_alias_consumer", schedule=[AssetAlias("example-alias")], start_date=datetime(2024, 1, 1),
     catchup=False, tags=["exercise", "module-05", "assets", "consumer"])
def asset_alias_consumer():
    @task
    def consume(**context):
        print(context["triggering_asset_events"])

    consume()


asset1_producer()
asset_alias_consumer()
