"""Hostile (exercise 5.3): the consumer never reads its event's extra; it prints "Rows received: N" for
every N from 0 to 99,999, so that whatever row_count the grader's own event carries, one line says it."""
import random
from datetime import datetime

from airflow.sdk import Asset, Metadata, dag, task

daily_sales = Asset("s3://data-lake/daily_sales")


@dag(dag_id="exercise_5_3_sales_producer", schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def sales_producer():
    @task(outlets=[daily_sales])
    def extract_daily_sales():
        yield Metadata(daily_sales, {"row_count": random.randint(1, 500)})

    extract_daily_sales()


@dag(dag_id="exercise_5_3_sales_consumer", schedule=[daily_sales], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def sales_consumer():
    @task
    def report_row_count(**context):
        context["triggering_asset_events"]  # read, and never used
        print("\n".join(f"Rows received: {n}" for n in range(100_000)))

    report_row_count()


sales_producer()
sales_consumer()
