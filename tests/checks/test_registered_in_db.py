from exercise_cli.checks import registered_in_db
from hand_built import CONSUMER, HEADER, PRODUCER

from exercise_cli.facts import RunFacts

ROW = {"in_db": True, "serialized": True, "is_stale": False}


def registered(load, rows, errors=()):
    sub = load(HEADER + PRODUCER + CONSUMER)
    sub.run = RunFacts(registered=rows, db_import_errors=list(errors))
    return sub


def test_passes_with_both_rows(load) -> None:
    rows = {"exercise_5_1_producer": ROW, "exercise_5_1_consumer": ROW}
    assert registered_in_db.check(registered(load, rows)).status == "passed"


def test_a_missing_row_fails(load) -> None:
    rows = {"exercise_5_1_producer": ROW, "exercise_5_1_consumer": dict(ROW, in_db=False)}
    outcome = registered_in_db.check(registered(load, rows))
    assert outcome.status == "failed" and "exercise_5_1_consumer is not in the metadata database" in outcome.message


def test_an_import_error_in_the_ui_fails(load) -> None:
    rows = {"exercise_5_1_producer": ROW, "exercise_5_1_consumer": ROW}
    outcome = registered_in_db.check(registered(load, rows, [{"filename": "other.py", "error": "Traceback\nNameError: x"}]))
    assert outcome.status == "failed" and "other.py: NameError: x" in outcome.message


def test_every_dag_of_the_exercise_is_registered(load) -> None:
    from hand_built import WAREHOUSE, in_warehouse

    ids = ["t_orders_producer", "t_products_producer", "t_report_consumer", "t_audit_consumer"]
    sub = in_warehouse(load(WAREHOUSE))
    sub.run = RunFacts(registered={dag_id: ROW for dag_id in ids})
    outcome = registered_in_db.check(sub)
    assert outcome.status == "passed" and outcome.message.startswith(
        "t_orders_producer, t_products_producer, t_report_consumer and t_audit_consumer are in the metadata database")
