"""Classic style: with DAG(...), PythonOperator, cron schedule, pendulum start date, Asset(name=, uri=),
outlet_events reached through **context, consumer logs with the logging module and .extra.get()."""

import logging
import random

import pendulum
from airflow.sdk import DAG, Asset
from airflow.providers.standard.operators.python import PythonOperator

log = logging.getLogger(__name__)

daily_sales = Asset(name="daily_sales", uri="s3://data-lake/daily_sales")


def extract_daily_sales(**context):
    rows = [{"id": i} for i in range(random.randint(10, 90))]
    log.info("Extracted %d rows", len(rows))
    context["outlet_events"][daily_sales].extra = {"row_count": len(rows)}


def report_row_count(**context):
    events = context["triggering_asset_events"][daily_sales]
    row_count = events[-1].extra.get("row_count")
    log.info("Rows received: %s", row_count)


with DAG(
    dag_id="exercise_5_3_sales_producer",
    schedule="0 0 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer"],
):
    PythonOperator(task_id="extract_daily_sales", python_callable=extract_daily_sales, outlets=[daily_sales])

with DAG(
    dag_id="exercise_5_3_sales_consumer",
    schedule=[daily_sales],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["exercise", "module-05", "assets", "consumer"],
):
    PythonOperator(task_id="report_row_count", python_callable=report_row_count)
