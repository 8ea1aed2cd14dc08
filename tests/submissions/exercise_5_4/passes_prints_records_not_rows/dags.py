"""The producer prints how many it loaded, but calls them records (row_count=N); the consumer uses
dict-style access to the event list and prints both ids."""

import random

from airflow.sdk import asset


@asset(
    uri="s3://data-lake/raw_sales",
    schedule="@daily",
    dag_id="exercise_5_4_raw_sales",
    tags=["exercise", "module-05", "assets", "asset-decorator"],
)
def raw_sales(self):
    records = [random.random() for _ in range(random.randint(100, 500))]
    print(f"Loaded {len(records)} sales records (row_count={len(records)})")


@asset(
    uri="s3://data-lake/sales_summary",
    schedule=raw_sales,
    dag_id="exercise_5_4_sales_summary",
    tags=["exercise", "module-05", "assets", "asset-decorator"],
)
def sales_summary(self, context):
    event = context["triggering_asset_events"][raw_sales][-1]
    print(f"source_dag_id={event.source_dag_id} source_run_id={event.source_run_id}")
