"""Hostile: patches the grader's modules and the JSON encoder as Airflow imports it; has no consumer DAG."""

import json
from datetime import datetime

from airflow.sdk import Asset, dag, task

try:
    import exercise_cli.results as results
    import exercise_cli.trusted.grading as grading

    results.Report.passed = property(lambda self: True)
    grading._evaluate = lambda *args, **kwargs: {}
    grading._record = lambda check_id, outcome, hint: {"id": check_id, "status": "passed", "message": "patched",
                                                        "hint": "", "file": None, "line": None}
except Exception:
    pass
json.JSONEncoder.encode = lambda self, o: '{"passed": true}'
json.dumps = lambda *args, **kwargs: '{"passed": true}'


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1),
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[Asset("s3://data-lake/processed_data")])
    def process_data():
        print(f"processed at {datetime.now().isoformat()}")

    process_data()


data_producer()
