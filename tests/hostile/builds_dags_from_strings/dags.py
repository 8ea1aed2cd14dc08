"""Hostile: the DAGs exist only in strings given to exec(): no DAG(...) call or @dag function in the file's
own code, the DAG ids nowhere but inside those strings."""

PRODUCER = '''
from datetime import datetime
from airflow.sdk import Asset, dag, task
processed_data = Asset("s3://data-lake/processed_data")

@dag(dag_id="exercise_5_1_" + "producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    def process_data():
        from datetime import timezone
        print("processed at", datetime.now(timezone.utc).isoformat())
        return {"processed_at": datetime.now(timezone.utc).isoformat()}
    process_data()

data_producer()
'''
CONSUMER = '''
@dag(dag_id="exercise_5_1_" + "consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1), catchup=False,
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task
    def consume_data(**context):
        print("Data is available for processing!")
        for asset, events in context["triggering_asset_events"].items():
            for event in events:
                print(asset.uri, event.timestamp, event.source_dag_id)
    consume_data()

data_consumer()
'''
exec(PRODUCER + CONSUMER)
