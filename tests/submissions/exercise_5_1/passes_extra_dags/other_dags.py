from datetime import datetime

from airflow.sdk import Asset, dag, task


@dag(schedule=None, start_date=datetime(2024, 1, 1), tags=["scratch"])
def my_playground():
    @task
    def hello():
        print("hello")

    hello()


@dag(schedule=[Asset("s3://other/bucket")], start_date=datetime(2024, 1, 1))
def unrelated_consumer():
    @task
    def noop():
        pass

    noop()


my_playground()
unrelated_consumer()
