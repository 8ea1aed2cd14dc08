"""Hostile (exercise 5.2): the reference solution but for the consumer's task, which prints the three module-level
Assets' URIs (not the events') and mentions context["triggering_asset_events"] only in dead code (`if False:`).
logs_events (reads_triggering_events + consumer_names_asset) passes on the mention and on the URIs in the
output: graded 5/5 (19 of 19), "task build_analytics logged the triggering Assets ...", nothing read from an
event. The 5.2 twin of consumer_prints_asset_without_reading_events."""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

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


# A list of Assets is AND: the scheduler creates a run only once each of the three has been updated
# since the consumer's last run. (`orders | products | customers` would be OR.)
@dag(
    dag_id="exercise_5_2_analytics_consumer",
    schedule=[orders, products, customers],
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "consumer", "analytics"],
)
def analytics_consumer():
    @task
    def build_analytics(**context) -> None:
        for asset in (orders, products, customers):
            print(f"Asset: {asset.uri}")
        if False:
            context["triggering_asset_events"]
        print("Joining orders, products and customers...")
        print("Analytics complete.")

    build_analytics()


orders_producer()
products_producer()
customers_producer()
analytics_consumer()
