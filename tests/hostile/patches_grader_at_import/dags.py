"""Hostile: patches the grader's modules and the JSON encoder as Airflow imports it; has no consumer DAG."""

import json
from datetime import datetime

from airflow.sdk import Asset, dag, task

try:
    import exercise_cli.results as results
    import exercise_cli.grading_process.job as grading
    import exercise_cli.verdicts as runner

    results.Report.passed = property(lambda self: True)
    patched = {"status": "passed", "message": "patched", "hint": "", "file": None, "line": None, "title": ""}
    grading.evaluate = runner.evaluate = lambda course, sub, kinds, earlier=None: {
        spec.id: {"id": spec.id, **patched} for spec in course.checks}
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
