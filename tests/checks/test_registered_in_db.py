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
