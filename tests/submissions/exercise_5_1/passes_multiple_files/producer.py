from datetime import datetime

from airflow.sdk import dag, task

from assets import processed_data


@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1),
     tags=["exercise", "module-05", "assets", "producer"])
def data_producer():
    @task(outlets=[processed_data])
    def produce_data():
        print("Processing data...")
        return {"timestamp": datetime.now().isoformat()}

    produce_data()


data_producer()
