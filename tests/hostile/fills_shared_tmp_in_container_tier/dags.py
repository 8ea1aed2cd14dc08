"""Hostile (exercise 5.1, resources): the producer task writes 60 MiB files (FILL_FILES of them, 6 by default)
into each shared writable folder: TMPDIR, /tmp, /var/tmp, /dev/shm, then fails naming what it wrote. Namespace
tier: a private tmpfs, 256 MiB in all. Container tier (emulated): nothing bounds the total: it wrote 360 MiB
into each of the four (1.4 GiB; the files are removed when its grading ends). Only the per-file limit and 256
processes x 1,024 files stand between one submission and a full disk, which makes a concurrent classmate's
grading (`grade --jobs 2`) and the grader's own DB and results fail as the grader's fault ("not graded")."""
import os
import tempfile
from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")
FILES = int(os.environ.get("FILL_FILES", "6"))


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    def process_data():
        chunk = b"\0" * (1 << 20)
        written = {}
        for folder in {tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"}:
            for n in range(FILES):
                try:
                    with open(os.path.join(folder, f"fill-{os.getpid()}-{n}"), "wb") as f:
                        for _ in range(60):
                            f.write(chunk)
                    written[folder] = written.get(folder, 0) + 60
                except OSError as e:
                    written[folder + " stopped"] = str(e)[:60]
                    break
        print(f"Data processed at {datetime.now(timezone.utc).isoformat()}")
        raise RuntimeError(f"WROTE MiB: {written}")

    process_data()


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task
    def consume_data(**context):
        print("Data is available for processing!")
        for asset, events in context["triggering_asset_events"].items():
            print(f"Triggered by asset: {asset.uri}")

    consume_data()


data_producer()
data_consumer()
