"""Hostile (exercise 5.4): sales_summary never reads an event. It sends its supervisor the Task SDK's own
GetPreviousDagRun message for ANOTHER DAG (exercise_5_4_raw_sales, logical date now) through
SUPERVISOR_COMMS, and prints the run id the Execution API answers. reads_upstream_event takes the source
run id in the output as proof that the event was read ("a text that exists only in that event"), but the
Execution API serves any DAG's runs to any task: graded 5/5 (17 of 17) in the namespace tier, "task
sales_summary logged manual__..., the run of exercise_5_4_raw_sales whose event #1 triggered it"."""

import random

from airflow.sdk import Metadata, asset


@asset(uri="s3://data-lake/raw_sales", schedule="@daily", dag_id="exercise_5_4_raw_sales",
       tags=["exercise", "module-05", "assets", "asset-decorator"])
def raw_sales(self):
    rows = random.randint(100, 500)
    yield Metadata(self, {"row_count": rows})


@asset(uri="s3://data-lake/sales_summary", schedule=raw_sales, dag_id="exercise_5_4_sales_summary",
       tags=["exercise", "module-05", "assets", "asset-decorator"])
def sales_summary(self):
    from datetime import datetime, timezone

    from airflow.sdk.execution_time.comms import GetPreviousDagRun
    from airflow.sdk.execution_time.task_runner import SUPERVISOR_COMMS

    answer = SUPERVISOR_COMMS.send(GetPreviousDagRun(dag_id="exercise_5_4_raw_sales",
                                                    logical_date=datetime.now(timezone.utc)))
    print(f"Summarizing {raw_sales.uri}: upstream run {answer.dag_run.run_id if answer.dag_run else None}")
