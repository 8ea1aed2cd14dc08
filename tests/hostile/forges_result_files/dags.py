"""Hostile: writes a passing results.json wherever the grader might read one; has no consumer DAG."""

import json
import os
from datetime import datetime

from airflow.sdk import Asset, dag, task

FORGED = {"files_import": {"id": "files_import", "status": "passed", "message": "forged", "hint": "", "file": None, "line": None}}


def forge() -> None:
    home = os.environ.get("AIRFLOW_HOME", "")
    here = os.path.dirname(os.path.abspath(__file__))
    for folder in (home, os.path.dirname(home), here, os.path.dirname(here), os.getcwd()):
        for name in ("results.json", "results-static.json", "progress.jsonl"):
            try:
                with open(os.path.join(folder, name), "w") as f:
                    f.write(json.dumps(FORGED) if name != "progress.jsonl" else '{"event": "done"}\n')
            except OSError:
                pass


forge()


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1),
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[Asset("s3://data-lake/processed_data")])
    def process_data():
        forge()
        print(f"processed at {datetime.now().isoformat()}")

    process_data()


data_producer()
