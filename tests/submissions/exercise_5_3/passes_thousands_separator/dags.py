"""A bigger day (1,000+ rows); the consumer formats N with a thousands separator: Rows received: 2,345."""

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
        sales = [{"order_id": i} for i in range(random.randint(1_000, 9_000))]
        yield Metadata(daily_sales, {"row_count": len(sales)})

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
        row_count = context["triggering_asset_events"][daily_sales][-1].extra["row_count"]
        print(f"Rows received: {row_count:,}")

    report_row_count()


sales_producer()
sales_consumer()
