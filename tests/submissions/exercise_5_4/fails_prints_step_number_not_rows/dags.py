"""Fails logs_rows_loaded: raw_sales computes its rows but only prints a step banner ("Step 1/2:
loading sales rows") and never how many rows it loaded."""

import random

from airflow.sdk import asset


@asset(
    uri="s3://data-lake/raw_sales",
    schedule="@daily",
    dag_id="exercise_5_4_raw_sales",
    tags=["exercise", "module-05", "assets", "asset-decorator"],
)
def raw_sales(self):
    print("Step 1/2: loading sales rows")
    rows = [random.random() for _ in range(random.randint(100, 500))]
    print("Step 2/2: writing to", self.uri)
    return None if rows else None


@asset(
    uri="s3://data-lake/sales_summary",
    schedule=raw_sales,
    dag_id="exercise_5_4_sales_summary",
    tags=["exercise", "module-05", "assets", "asset-decorator"],
)
def sales_summary(self, context):
    event = context["triggering_asset_events"][raw_sales][-1]
    print(f"Summarizing {event.source_dag_id} run {event.source_run_id}")
