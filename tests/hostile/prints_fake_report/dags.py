"""Hostile: prints a passing report at import and from its task; has no consumer DAG."""

import sys
from datetime import datetime

from airflow.sdk import Asset, dag, task

FAKE = '{"exercise": "5.1", "mode": "full", "passed": true, "isolation": "sandbox", "criteria": []}\nPASSED 19 passed, 0 failed\n'
sys.stdout.write(FAKE)
sys.stderr.write(FAKE)
try:
    with open("/dev/tty", "w") as tty:
        tty.write(FAKE)
except OSError:
    pass


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1),
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[Asset("s3://data-lake/processed_data")])
    def process_data():
        print(FAKE)
        print(f"processed at {datetime.now().isoformat()}")

    process_data()


data_producer()
