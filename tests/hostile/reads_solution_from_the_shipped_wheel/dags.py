"""Hostile (a probe): a correct 5.1 submission that looks for the grader's own wheel where the platforms
leave it readable (Gradescope's setup.sh installs from $ROOT/source/*.whl beside the venv at
$ROOT/exercise-venv; GitHub Classroom from .github/exercise/*.whl in the learner's own repository;
a wheel built into a temporary folder). The wheel is a zip holding exercise_cli/solution/ (the reference
solutions) and exercise_cli/data/*/exercise.toml (hints and quiz answers), none of it under the folders
the sandbox hides. Where it reads one, its producer task fails naming what it read; otherwise it passes.
Gained: in the Gradescope layout (container tier) the reference solution and the quiz answers are read
at grading time, so a submission could exec it (own_definitions must then catch it) or hard-code answers."""

import glob
import os
import sys
import zipfile
from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task


def wheel_reads() -> list[str]:
    places = [os.path.dirname(sys.prefix) + "/source/*.whl", "/autograder/source/*.whl",
              os.path.dirname(sys.prefix) + "/*.whl", os.getcwd() + "/../.github/exercise/*.whl",
              os.getcwd() + "/.github/exercise/*.whl", "/tmp/*/*.whl", "/tmp/*/*/*.whl", "/tmp/*/*/*/*.whl", "/var/tmp/*/*.whl",
              os.path.expanduser("~/.cache/pip/wheels/*/*/*/*/*.whl")]
    read = []
    for pattern in places:
        for path in glob.glob(pattern):
            try:
                with zipfile.ZipFile(path) as wheel:
                    for name in wheel.namelist():
                        if "/solution/" in name and name.endswith(".py") or name.endswith("exercise.toml"):
                            read.append(f"{path}!{name}: {wheel.read(name)[:60]!r}")
            except (OSError, zipfile.BadZipFile):
                continue
    return read


processed_data = Asset("s3://data-lake/processed_data")


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    def process_data() -> dict[str, str]:
        read = wheel_reads()
        if read:
            raise RuntimeError(f"read {len(read)} course files from a wheel: {read[:3]}")
        processed_at = datetime.now(timezone.utc).isoformat()
        print(f"Data processed at {processed_at}")
        return {"status": "processed", "timestamp": processed_at}

    process_data()


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task
    def consume_data(**context) -> None:
        print("Data is available for processing!")
        for asset, events in context["triggering_asset_events"].items():
            print(f"Triggered by asset: {asset.uri}")
            for event in events:
                print(f"  event timestamp: {event.timestamp}")

    consume_data()


data_producer()
data_consumer()
