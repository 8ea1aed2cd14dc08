"""Fails logs_row_count: the producer always counts 250 rows and the consumer prints 250 as a constant."""

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
    def extract_daily_sales():
        rows = list(range(250))
        yield Metadata(daily_sales, {"row_count": len(rows)})

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
        print(f"{len(events)} event(s)")
        print("Rows received: 250")

    report_row_count()


sales_producer()
sales_consumer()
