from datetime import datetime

from airflow.sdk import dag, get_current_context, task

from assets import processed_data


def describe_events(events):
    for asset, event_list in events.items():
        print(f"Asset: {asset.uri}")
        for event in event_list:
            print(f"  Timestamp: {event.timestamp}")


@dag(dag_id="exercise_5_1_consumer", schedule=[processed_data], start_date=datetime(2024, 1, 1),
     tags=["exercise", "module-05", "assets", "consumer"])
def data_consumer():
    @task
    def consume_data():
        print("Data is available for processing!")
        context = get_current_context()
        describe_events(context["triggering_asset_events"])

    consume_data()


data_consumer()
