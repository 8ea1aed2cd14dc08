"""Hostile (exercise 5.3): the producer attaches a fixed row_count (a module constant, 417), and the
consumer prints `"Rows received:", ROWS`, the same constant, never reading its event (the read of
triggering_asset_events is dead code); the grader's own event, with a row_count picked at each grading,
tells the constant from a count read from the event."""
from datetime import datetime

from airflow.sdk import Asset, Metadata, dag, task

daily_sales = Asset("s3://data-lake/daily_sales")
ROWS = 417


@dag(dag_id="exercise_5_3_sales_producer", schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def sales_producer():
    @task(outlets=[daily_sales])
    def extract_daily_sales():
        yield Metadata(daily_sales, {"row_count": ROWS})

    extract_daily_sales()


@dag(dag_id="exercise_5_3_sales_consumer", schedule=[daily_sales], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def sales_consumer():
    @task
    def report_row_count(**context) -> None:
        print("Rows received:", ROWS)
        if False:
            context["triggering_asset_events"][daily_sales][-1].extra["row_count"]

    report_row_count()


sales_producer()
sales_consumer()
