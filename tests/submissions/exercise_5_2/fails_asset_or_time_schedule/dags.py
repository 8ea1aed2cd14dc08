"""Exercise 5.2 reference solution: three producers update an Asset each; the consumer waits for all."""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, dag, task

# One Asset per source table. A producer and the consumer must name the very same URI.
orders = Asset("postgres://warehouse/orders")
products = Asset("postgres://warehouse/products")
customers = Asset("postgres://warehouse/customers")


def _loaded(table: str) -> dict[str, str]:
    loaded_at = datetime.now(timezone.utc).isoformat()
    print(f"Loading {table} into the warehouse...")
    print(f"{table} loaded at {loaded_at}")
    return {"table": table, "timestamp": loaded_at}


# The producers have no schedule: each runs when it is triggered (by hand, or by `exercise check`).
@dag(
    dag_id="exercise_5_2_orders_producer",
    schedule=None,
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer", "orders"],
)
def orders_producer():
    @task(outlets=[orders])
    def load_orders() -> dict[str, str]:
        return _loaded("orders")

    load_orders()


@dag(
    dag_id="exercise_5_2_products_producer",
    schedule=None,
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer", "products"],
)
def products_producer():
    @task(outlets=[products])
    def load_products() -> dict[str, str]:
        return _loaded("products")

    load_products()


@dag(
    dag_id="exercise_5_2_customers_producer",
    schedule=None,
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer", "customers"],
)
def customers_producer():
    @task(outlets=[customers])
    def load_customers() -> dict[str, str]:
        return _loaded("customers")

    load_customers()


# Runs once all three are updated, or every hour: the cron makes runs whatever the Assets do.
@dag(
    dag_id="exercise_5_2_analytics_consumer",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("0 * * * *", timezone="UTC"),
                                 assets=[orders, products, customers]),
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "consumer", "analytics"],
)
def analytics_consumer():
    @task
    def build_analytics(**context) -> None:
        triggering_asset_events = context["triggering_asset_events"]
        print(f"Triggered by {len(triggering_asset_events)} Assets:")
        for asset, events in triggering_asset_events.items():
            print(f"Asset: {asset.uri}")
            for event in events:
                print(f"  from {event.source_dag_id}.{event.source_task_id} at {event.timestamp}")
        print("Joining orders, products and customers...")
        print("Analytics complete.")

    build_analytics()


orders_producer()
products_producer()
customers_producer()
analytics_consumer()
