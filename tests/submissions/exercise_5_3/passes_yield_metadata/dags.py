"""Passes: the row count is yielded as Metadata; the consumer walks every triggering event."""

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
    def extract_daily_sales(**context):
        rows = [{"order_id": i} for i in range(datetime.now().second + 100)]
        print(f"Extracted {len(rows)} rows")
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
        for asset, events in context["triggering_asset_events"].items():
            for event in events:
                count = event.extra["row_count"]
                print(f"{asset.uri} from {event.source_dag_id}: Rows received: {count}")

    report_row_count()


sales_producer()
sales_consumer()
