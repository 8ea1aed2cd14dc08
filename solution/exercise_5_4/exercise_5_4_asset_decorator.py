"""Exercise 5.4 reference solution: two Assets written asset-first with @asset. Airflow makes one DAG
with one task from each; the second is scheduled on the first and reads the event that triggered it."""

from __future__ import annotations

import random

from airflow.sdk import Metadata, asset


@asset(
    uri="s3://data-lake/raw_sales",
    schedule="@daily",
    dag_id="exercise_5_4_raw_sales",
    tags=["exercise", "module-05", "assets", "asset-decorator"],
)
def raw_sales(self):
    # `self` is the Asset this function produces: Airflow records its event when the function returns.
    rows = random.randint(100, 500)
    print(f"Loaded {rows} raw sales rows into {self.uri}")
    yield Metadata(self, {"row_count": rows})


@asset(
    uri="s3://data-lake/sales_summary",
    schedule=raw_sales,
    dag_id="exercise_5_4_sales_summary",
    tags=["exercise", "module-05", "assets", "asset-decorator"],
)
def sales_summary(self, context):
    # The events of raw_sales that made the scheduler create this run; the newest is last.
    event = context["triggering_asset_events"][raw_sales][-1]
    print(f"Summarizing {raw_sales.uri}: event from {event.source_dag_id} run {event.source_run_id}")
    print(f"Rows in upstream event: {event.extra.get('row_count')}")
