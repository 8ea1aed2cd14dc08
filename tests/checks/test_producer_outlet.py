from exercise_cli.checks import producer_outlet
from hand_built import HEADER, PRODUCER


def test_passes_with_the_asset_in_outlets(load) -> None:
    outcome = producer_outlet.check(load(HEADER + PRODUCER))
    assert outcome.status == "passed" and outcome.line == 9  # the task's function


def test_fails_without_outlets(load) -> None:
    outcome = producer_outlet.check(load(HEADER + PRODUCER.replace("@task(outlets=[processed_data])", "@task")))
    assert outcome.status == "failed" and "declares outlets" in outcome.message


def test_fails_on_another_asset(load) -> None:
    outcome = producer_outlet.check(load(HEADER + PRODUCER.replace("outlets=[processed_data]", 'outlets=[Asset("s3://x/y")]')))
    assert outcome.status == "failed" and "the Asset is defined with URI 's3://x/y'" in outcome.message
    assert outcome.line == 8  # where the URI is written: the first wrong line


def test_a_wrong_uri_defined_once_is_named_where_the_asset_is_defined(load) -> None:
    outcome = producer_outlet.check(load(HEADER.replace("data-lake", "datalake") + PRODUCER))
    assert outcome.status == "failed" and outcome.line == 3  # processed_data = Asset(...)
    assert "'s3://datalake/processed_data', wanted 's3://data-lake/processed_data'" in outcome.message


def test_a_producer_without_tasks_names_the_todo_that_adds_one(load) -> None:
    empty = PRODUCER.replace("""    @task(outlets=[processed_data])
    def process_data():
        print("processed")
    process_data()
""", """    # TODO 3: Add a task that simulates data processing,
    #         and declares the Asset in its outlets.
    pass
""")
    outcome = producer_outlet.check(load(HEADER + empty))
    assert outcome.status == "failed" and outcome.line == 8
    assert outcome.message == "exercise_5_1_producer has no tasks yet: TODO 3 (line 8) adds the task with outlets"


def test_each_producer_lists_its_own_asset(load) -> None:
    from hand_built import ORDERS, PRODUCTS, WAREHOUSE, in_warehouse

    assert producer_outlet.check(in_warehouse(load(WAREHOUSE))).status == "passed"
    swapped = WAREHOUSE.replace("@task(outlets=[products])", "@task(outlets=[orders])")
    outcome = producer_outlet.check(in_warehouse(load(swapped)))
    assert outcome.status == "failed" and outcome.hint == "@task(outlets=[products])"
    assert outcome.message == f"task load_products of t_products_producer lists {ORDERS!r} in its outlets, wanted {PRODUCTS!r}"
