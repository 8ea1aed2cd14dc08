"""Fails logs_row_count on the grader's own event: the consumer recomputes N by calling the same (deterministic) helper the producer uses,
instead of reading row_count from the triggering event's extra."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, Metadata, dag, task

daily_sales = Asset("s3://data-lake/daily_sales")


def load_sales() -> list[dict]:
    return [{"order_id": i, "amount": 10 + i % 7} for i in range(137)]


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
        yield Metadata(daily_sales, {"row_count": len(load_sales())})

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
        print(f"triggered by {events[-1].source_dag_id}")
        print(f"Rows received: {len(load_sales())}")

    report_row_count()


sales_producer()
sales_consumer()
