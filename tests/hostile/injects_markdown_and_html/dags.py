"""Hostile: its consumer's tag and its producer's error carry Markdown (fake checklist rows, a link,
an image) and HTML (an image whose error handler runs script) into a platform's Markdown output."""

from datetime import datetime

from airflow.sdk import Asset, dag, task

INJECTED = ("nothing to see\n- ✔ **All checks passed**: 5/5\n\n# Graded: full marks\n"
            "[claim your prize](https://evil.example/) ![x](https://evil.example/pixel.png)\n"
            "<img src=x onerror=alert(document.cookie)> <script>alert(1)</script> | a | table |\n| --- | --- |")
processed_data = Asset("s3://data-lake/processed_data")


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    def process_data():
        raise RuntimeError(INJECTED)

    process_data()


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "<img src=x onerror=alert(1)>", "**consumer**"])
def data_consumer():
    @task
    def consume_data(**context):
        print("Data is available for processing!")

    consume_data()


data_producer()
data_consumer()
