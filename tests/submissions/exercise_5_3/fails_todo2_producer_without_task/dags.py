"""Exercise 5.3: Asset Event Metadata.

The producer attaches a small dict of facts, its "extra", to the asset event Airflow records for
daily_sales; the consumer reads that extra from the event that triggered its run. Complete the
TODOs in order, then run `exercise check` after each one.
"""

from __future__ import annotations

import random
from datetime import datetime

from airflow.sdk import Asset, Metadata, dag, task

# TODO 1: Define the Asset both DAGs share. Its URI is s3://data-lake/daily_sales
daily_sales = Asset("s3://data-lake/daily_sales")


# TODO 2: Turn sales_producer into a DAG with @dag(...): dag_id "exercise_5_3_sales_producer",
#         a daily schedule, start date January 1, 2024, and the tags from the statement.
@dag(
    dag_id="exercise_5_3_sales_producer",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer"],
)
def sales_producer():
    # TODO 3: Add a task with daily_sales in its outlets that counts the day's sales rows
    #         (a whole number you compute) and attaches {"row_count": <that number>} to the
    #         asset event: yield Metadata(daily_sales, {...}), or set outlet_events[daily_sales].extra.
    pass


# TODO 4: Turn sales_consumer into a DAG with @dag(...): dag_id "exercise_5_3_sales_consumer",
#         scheduled on daily_sales, start date January 1, 2024, and the tags from the statement.
def sales_consumer():
    # TODO 5: Add a task that reads row_count from the extra of the event that triggered the
    #         run (context["triggering_asset_events"]) and logs "Rows received: <row_count>".
    pass


# Each call creates its DAG as soon as the function above is decorated with @dag (Airflow keeps
# the DAGs a file creates when it imports it), so `exercise check` credits every TODO you finish.
sales_producer()
sales_consumer()
