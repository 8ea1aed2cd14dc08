"""Passes: the row count is set on outlet_events[daily_sales].extra (the task takes outlet_events)."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, Metadata, dag, task

daily_sales = Asset("s3://data-lake/daily_sales")


@dag(
    dag_id="exercise_5_3_sales_producer",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer"],
)
def sales_producer():
    @task(outlets=[daily_sales])
    def extract_daily_sales(*, outlet_events=None):
        rows = list(range(datetime.now().microsecond % 400 + 100))
        outlet_events[daily_sales].extra = {"row_count": len(rows), "source": "pos"}

    extract_daily_sales()


@dag(
    dag_id="exercise_5_3_sales_consumer",
    schedule=[daily_sales],
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "consumer"],
)
def sales_consumer():
    @task
    def report_row_count(**context):
        events = context["triggering_asset_events"][daily_sales]
        print(f"Rows received: {events[-1].extra['row_count']}")

    report_row_count()


sales_producer()
sales_consumer()
