"""Hostile: its import warning, its producer's output and its consumer's error carry terminal escape
sequences (clear the screen, an OSC 8 link, an OSC 52 clipboard write), NUL and CR, that act on a
terminal shown them raw and make XML invalid."""

import warnings
from datetime import datetime

from airflow.sdk import Asset, dag, task

ESCAPES = ("\x1b[2J\x1b[H\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
           "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07 NUL\x00 CR\roverwritten \x9b31m")

warnings.warn("Deprecated, says " + ESCAPES, UserWarning)
processed_data = Asset("s3://data-lake/processed_data")


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    def process_data():
        print(ESCAPES)

    process_data()


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task
    def consume_data(**context):
        raise RuntimeError(ESCAPES)

    consume_data()


data_producer()
data_consumer()
