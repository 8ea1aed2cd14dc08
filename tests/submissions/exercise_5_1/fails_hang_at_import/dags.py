import time

from airflow.sdk import dag  # noqa: F401

while True:
    time.sleep(1)
