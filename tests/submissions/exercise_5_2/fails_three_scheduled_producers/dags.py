"""Exercise 5.2 with all three producers on a daily schedule (wanted: schedule=None): every one is named at once.

Three producer DAGs each load one table and update its Asset; the analytics consumer DAG must wait
until all three Assets have been updated. Complete the TODOs in order, then run `exercise check`
after each one.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, task

# TODO 1: Define the three Assets, one per table of the warehouse:
#         postgres://warehouse/orders, postgres://warehouse/products, postgres://warehouse/customers
orders = Asset("postgres://warehouse/orders")
products = Asset("postgres://warehouse/products")
customers = Asset("postgres://warehouse/customers")


# TODO 2: Turn orders_producer into a DAG with @dag(...): dag_id "exercise_5_2_orders_producer",
#         schedule=None (it runs when triggered), start date January 1, 2024, and the tags from the
#         statement. Inside, add a task that loads the orders and declares outlets=[orders].
@dag(
    dag_id="exercise_5_2_orders_producer",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer", "orders"],
)
def orders_producer():
    @task(outlets=[orders])
    def load_orders():
        print("Loading orders...")
        loaded_at = datetime.now().isoformat()
        print(f"orders loaded at {loaded_at}")
        return {"table": "orders", "timestamp": loaded_at}

    load_orders()


# TODO 3: Turn products_producer into a DAG the same way: dag_id "exercise_5_2_products_producer",
#         schedule=None, its tags, and a task that declares outlets=[products].
@dag(
    dag_id="exercise_5_2_products_producer",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer", "products"],
)
def products_producer():
    @task(outlets=[products])
    def load_products():
        print("Loading products...")
        loaded_at = datetime.now().isoformat()
        print(f"products loaded at {loaded_at}")
        return {"table": "products", "timestamp": loaded_at}

    load_products()


# TODO 4: Turn customers_producer into a DAG the same way: dag_id "exercise_5_2_customers_producer",
#         schedule=None, its tags, and a task that declares outlets=[customers].
@dag(
    dag_id="exercise_5_2_customers_producer",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer", "customers"],
)
def customers_producer():
    @task(outlets=[customers])
    def load_customers():
        print("Loading customers...")
        loaded_at = datetime.now().isoformat()
        print(f"customers loaded at {loaded_at}")
        return {"table": "customers", "timestamp": loaded_at}

    load_customers()


# TODO 5: Turn analytics_consumer into a DAG with @dag(...):
#         dag_id "exercise_5_2_analytics_consumer", scheduled on the list of the three Assets (it
#         must wait for ALL of them), start date January 1, 2024, and the tags from the statement.
@dag(
    dag_id="exercise_5_2_analytics_consumer",
    schedule=[orders, products, customers],
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "consumer", "analytics"],
)
def analytics_consumer():
    # TODO 6: Add a task that reads context["triggering_asset_events"] and logs, for each Asset
    #         that triggered the run, its URI, and for each of its events the source DAG and task
    #         and the timestamp.
    @task
    def build_analytics(**context):
        for asset, events in context["triggering_asset_events"].items():
            print(f"Triggered by {asset.uri}")
            for event in events:
                print(f"  {event.source_dag_id}.{event.source_task_id} at {event.timestamp}")
        print("Analytics complete.")

    build_analytics()


# Each call creates its DAG as soon as the function above is decorated with @dag (Airflow keeps
# the DAGs a file creates when it imports it), so `exercise check` credits every TODO you finish.
orders_producer()
products_producer()
customers_producer()
analytics_consumer()
