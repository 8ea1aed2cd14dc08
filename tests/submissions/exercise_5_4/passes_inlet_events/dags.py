"""Exercise 5.4: Asset-First Authoring with @asset.

Write the Assets, not the DAGs: @asset turns a module-level function into an Asset, and Airflow
makes the DAG and the task that produce it. Complete the TODOs in order, then run `exercise check`
after each one.
"""

from __future__ import annotations

import random

from airflow.sdk import asset


# TODO 1: Make raw_sales an Asset with @asset(...): uri "s3://data-lake/raw_sales", a daily
#         schedule, dag_id "exercise_5_4_raw_sales" and the tags from the statement.
@asset(
    uri="s3://data-lake/raw_sales",
    schedule="@daily",
    dag_id="exercise_5_4_raw_sales",
    tags=["exercise", "module-05", "assets", "asset-decorator"],
)
def raw_sales(self):
    # TODO 2: Load the day's sales (a number of rows you compute) and print how many you loaded.
    rows = random.randint(100, 500)
    print(f"Loaded {rows} rows into {self.uri}")


# TODO 3: Make sales_summary an Asset with @asset(...): uri "s3://data-lake/sales_summary",
#         scheduled on raw_sales, dag_id "exercise_5_4_sales_summary" and the tags from the statement.
@asset(
    uri="s3://data-lake/sales_summary",
    schedule=raw_sales,
    dag_id="exercise_5_4_sales_summary",
    tags=["exercise", "module-05", "assets", "asset-decorator"],
)
def sales_summary(self, context, raw_sales):
    # TODO 4: Read the raw_sales event that triggered this run (context["triggering_asset_events"])
    #         and print the run it came from: its source_dag_id and source_run_id.
    # raw_sales is a parameter: an inlet; its latest event is the one that triggered this run.
    latest = context["inlet_events"][raw_sales][-1]
    print(f"Latest {raw_sales.uri} event came from run {latest.source_run_id}")
