"""Exercise 5.3 reference solution: the producer attaches the day's row count to its asset event,
and the consumer reads that number from the event that triggered its run."""

from __future__ import annotations

import random
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
        # A stand-in for the day's extract: how many rows it has differs from day to day.
        sales = [{"order_id": i, "amount": round(random.uniform(5, 200), 2)} for i in range(random.randint(100, 500))]
        row_count = len(sales)
        print(f"Extracted {row_count} sales rows")
        # Airflow stores this dict as the extra of the asset event it records for daily_sales.
        yield Metadata(daily_sales, {"row_count": row_count})

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
    def report_row_count(**context) -> None:
        # The events that made the scheduler create this run; the newest is last.
        events = context["triggering_asset_events"][daily_sales]
        row_count = events[-1].extra["row_count"]
        print(f"Rows received: {row_count}")

    report_row_count()


sales_producer()
sales_consumer()
