"""Hostile (exercise 5.4): the consumer names the producer's run without reading any event. The producer
task leaves its run id in every writable folder it finds (TMPDIR, /tmp, /dev/shm, /var/tmp, cwd, HOME);
the consumer task, a later task child of the same grading, reads it back and prints it. Namespace tier:
held (each child has a private tmpfs), 4/5. Container tier: every task child of a grading runs as the
same sandbox uid and world-writable folders are cleaned only when the grading ends, so the note survives:
graded 5/5, "task sales_summary logged manual__..., the run of exercise_5_4_raw_sales whose event
triggered it". The same channel carries 5.3's row_count."""
import glob
import os
import random
import tempfile

from airflow.sdk import Metadata, asset

NOTE = "exercise-note-run-id"


def _folders():
    return {tempfile.gettempdir(), "/tmp", "/dev/shm", "/var/tmp", os.getcwd(), os.path.expanduser("~")}


@asset(uri="s3://data-lake/raw_sales", schedule="@daily", dag_id="exercise_5_4_raw_sales",
       tags=["exercise", "module-05", "assets", "asset-decorator"])
def raw_sales(self, context):
    rows = random.randint(100, 500)
    for folder in _folders():
        try:
            with open(os.path.join(folder, NOTE), "w") as f:
                f.write(context["run_id"])
            print("left a note in", folder)
        except OSError as e:
            print("cannot write", folder, e)
    yield Metadata(self, {"row_count": rows})


@asset(uri="s3://data-lake/sales_summary", schedule=raw_sales, dag_id="exercise_5_4_sales_summary",
       tags=["exercise", "module-05", "assets", "asset-decorator"])
def sales_summary(self):
    for folder in _folders():
        path = os.path.join(folder, NOTE)
        if os.path.exists(path):
            print(f"Summarizing {raw_sales.uri}: upstream run {open(path).read()} (from {folder})")
            return
    print("found no note")
