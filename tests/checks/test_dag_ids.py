from exercise_cli.checks import dag_ids
from hand_built import CONSUMER, HEADER, PRODUCER


def test_passes_with_both_ids(load) -> None:
    assert dag_ids.check(load(HEADER + PRODUCER + CONSUMER)).status == "passed"


def test_a_near_miss_gets_a_did_you_mean(load) -> None:
    outcome = dag_ids.check(load(HEADER + PRODUCER + CONSUMER.replace("exercise_5_1_consumer", "exercise_51_consumer")))
    assert outcome.status == "failed" and outcome.message == "DAG id 'exercise_51_consumer': did you mean 'exercise_5_1_consumer'?"
    assert outcome.line == 14  # its dag_id keyword


def test_every_wrong_id_is_named_in_one_go_in_file_order(load) -> None:
    """Three producers renamed: each is found by the Asset its task produces, and all are named at once."""
    from hand_built import WAREHOUSE, in_warehouse

    renamed = WAREHOUSE.replace('"t_orders_producer"', '"alpha"').replace('"t_products_producer"', '"beta"')
    outcome = dag_ids.check(in_warehouse(load(renamed)))
    assert outcome.status == "failed" and outcome.line == 6
    assert outcome.message == ("DAG id 'alpha' (your producer, by what it does), wanted 't_orders_producer'; "
                               "DAG id 'beta' (your producer, by what it does), wanted 't_products_producer' (line 14)")
    assert outcome.hint == 'dag_id="t_orders_producer" dag_id="t_products_producer"'


def test_a_dag_from_elsewhere_found_by_its_role_gets_its_line_and_no_echo(load) -> None:
    """Airflow's own example asset DAGs graded as 5.1: no "did you mean" that repeats the wanted id."""
    outcome = dag_ids.check(load(HEADER + PRODUCER.replace("exercise_5_1_producer", "asset1_producer") + CONSUMER))
    assert outcome.status == "failed" and outcome.line == 5
    assert outcome.message == "DAG id 'asset1_producer': did you mean 'exercise_5_1_producer'?"
    far = dag_ids.check(load(HEADER + PRODUCER.replace("exercise_5_1_producer", "p") + CONSUMER))
    assert far.message == "DAG id 'p' (your producer, by what it does), wanted 'exercise_5_1_producer'" and far.line == 5


def test_several_assets_are_named_in_the_plural(load) -> None:
    from hand_built import in_warehouse

    source = "from airflow.sdk import Asset\n# TODO 1: the Assets\n# orders = Asset(...)\n"
    outcome = dag_ids.check(in_warehouse(load(source)))
    assert outcome.message == "no DAGs yet: start with the first TODO, the Assets" and outcome.line == 2


def test_a_missing_dag_is_named(load) -> None:
    outcome = dag_ids.check(load(HEADER + PRODUCER))
    assert outcome.status == "failed" and "missing DAG id(s) exercise_5_1_consumer" in outcome.message


def test_no_dag_at_all_names_the_next_todo(load) -> None:
    outcome = dag_ids.check(load(HEADER.replace('processed_data = Asset', '# TODO 1: the Asset\n# processed_data = Asset')))
    assert outcome.status == "failed" and "start with the first TODO" in outcome.message and outcome.line == 3


def test_a_file_without_dags_or_todos_is_not_a_dag_folder(load) -> None:
    outcome = dag_ids.check(load("VALUE = 1\n"))
    assert outcome.status == "failed" and "none of the 1 .py file defines a DAG" in outcome.message


def test_an_id_defined_twice_in_a_file(load) -> None:
    sub = load(HEADER + PRODUCER + CONSUMER)
    sub.duplicate_dag_ids = {"exercise_5_1_producer": ["dags.py", "dags.py"]}
    outcome = dag_ids.check(sub)
    assert outcome.status == "failed" and "'exercise_5_1_producer' is defined" in outcome.message


def test_no_file_at_all_names_both_ids() -> None:
    """Live mode on a deployment that lists neither DAG: no file was fetched."""
    from hand_built import ran

    sub = ran()
    sub.files = []
    outcome = dag_ids.check(sub)
    assert outcome.status == "failed"
    assert outcome.message == "no DAG exercise_5_1_producer or exercise_5_1_consumer, nor one with a close id"


def test_a_dag_function_never_called_is_named_with_its_line_and_the_call(load) -> None:
    outcome = dag_ids.check(load(HEADER + PRODUCER + CONSUMER.replace("data_consumer()\n", "")))
    assert outcome.status == "failed" and outcome.line == 14  # its @dag(...)
    assert "data_consumer is decorated with @dag (dag_id 'exercise_5_1_consumer') but never called" in outcome.message
    assert "add `data_consumer()`" in outcome.message


def test_a_missing_id_names_the_todo_that_adds_it(load) -> None:
    todo = '\n# TODO 4: Turn data_consumer into a DAG with @dag(...): dag_id "exercise_5_1_consumer",\n'
    outcome = dag_ids.check(load(HEADER + PRODUCER + todo))
    assert outcome.status == "failed" and outcome.line == 14
    assert outcome.message == "found exercise_5_1_producer; no exercise_5_1_consumer yet: TODO 4 (line 14) adds it"


def test_every_id_of_an_exercise_with_four_dags(load) -> None:
    from hand_built import WAREHOUSE, in_warehouse

    outcome = dag_ids.check(in_warehouse(load(WAREHOUSE)))
    assert outcome.message == "found t_orders_producer, t_products_producer, t_report_consumer and t_audit_consumer"
    outcome = dag_ids.check(in_warehouse(load(WAREHOUSE.replace("t_audit_consumer", "t_audit_consumr"))))
    assert outcome.status == "failed" and "did you mean 't_audit_consumer'?" in outcome.message



def test_a_missing_id_waits_while_a_dag_found_has_no_task(load) -> None:
    """The starter's next step is that DAG's task, which producer_outlet names: one failing line, not two."""
    producer = PRODUCER.replace("    @task(outlets=[processed_data])\n    def process_data():\n        print(\"processed\")\n"
                                "    process_data()\n", "    pass\n")
    todo = '\n# TODO 4: Turn data_consumer into a DAG with @dag(...): dag_id "exercise_5_1_consumer",\n'
    outcome = dag_ids.check(load(HEADER + producer + todo))
    assert outcome.status == "skipped"
    assert outcome.message == ("found exercise_5_1_producer; no exercise_5_1_consumer yet: TODO 4 (line 11) adds it, "
                               "once exercise_5_1_producer has its task")
