from exercise_cli.checks import producer_run
from hand_built import dag_run, ran, task

from exercise_cli.facts import RunFacts


def test_passes_on_a_successful_run() -> None:
    sub = ran(runs={"exercise_5_1_producer": dag_run("exercise_5_1_producer", "scheduled__1", tasks=[task("process_data")])})
    outcome = producer_run.check(sub)
    assert outcome.status == "passed" and "scheduled__1 succeeded" in outcome.message


def test_a_failed_task_names_its_error_file_and_line() -> None:
    failed_task = task("process_data", state="failed", error="ValueError: boom", error_file="dags.py", error_line=12)
    outcome = producer_run.check(ran(runs={"exercise_5_1_producer": dag_run("exercise_5_1_producer", "r", "failed", [failed_task])}))
    assert outcome.status == "failed" and "ValueError: boom" in outcome.message and (outcome.file, outcome.line) == ("dags.py", 12)


def test_no_run_reports_what_airflow_refused() -> None:
    outcome = producer_run.check(ran(error="Airflow failed while run producer: KeyError: x"))
    assert outcome.status == "failed" and "KeyError" in outcome.message


def test_a_run_of_a_dag_without_tasks_waits_for_the_task() -> None:
    outcome = producer_run.check(ran(runs={"exercise_5_1_producer": dag_run("exercise_5_1_producer", "r", tasks=[])}))
    assert outcome.status == "skipped" and outcome.message == "not run: exercise_5_1_producer has no tasks yet"


def test_every_producer_of_the_exercise_has_its_run(load) -> None:
    from hand_built import WAREHOUSE, in_warehouse

    sub = in_warehouse(load(WAREHOUSE))
    runs = {"t_orders_producer": dag_run("t_orders_producer", "manual__1", tasks=[task("load_orders")])}
    sub.run = RunFacts(runs=runs)
    outcome = producer_run.check(sub)
    assert outcome.status == "failed" and outcome.message == "no run of t_products_producer was made"
    runs["t_products_producer"] = dag_run("t_products_producer", "manual__2", tasks=[task("load_products")])
    outcome = producer_run.check(sub)
    assert outcome.status == "passed" and "manual__1 succeeded" in outcome.message and "manual__2 succeeded" in outcome.message


def test_a_producer_not_written_yet_waits_for_it_instead_of_failing(load) -> None:
    """The TODO path: the orders producer done, the products producer still a TODO. Nothing failed."""
    from hand_built import WAREHOUSE, in_warehouse

    without_products = WAREHOUSE.replace('dag_id="t_products_producer"', 'dag_id="t_products_later"')
    without_products = without_products.replace("@task(outlets=[products])", "@task")
    sub = in_warehouse(load(without_products))
    sub.run = RunFacts(runs={"t_orders_producer": dag_run("t_orders_producer", "manual__1", tasks=[task("load_orders")])})
    outcome = producer_run.check(sub)
    assert outcome.status == "skipped" and outcome.message == "no DAG t_products_producer yet: its run waits for it"
