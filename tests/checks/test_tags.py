from exercise_cli.checks import tags
from hand_built import CONSUMER, HEADER, PRODUCER


def test_passes_with_the_statements_tags_in_any_order(load) -> None:
    source = HEADER + PRODUCER.replace('["exercise", "module-05", "assets", "producer"]', '["producer", "assets", "module-05", "exercise"]')
    assert tags.check(load(source + CONSUMER)).status == "passed"


def test_fails_naming_what_is_missing_and_unexpected(load) -> None:
    outcome = tags.check(load(HEADER + PRODUCER.replace('"module-05"', '"module-5"')))
    assert outcome.status == "failed" and "missing ['module-05']; unexpected ['module-5']" in outcome.message
    assert outcome.hint == 'tags=["exercise", "module-05", "assets", "producer"]'


def test_the_tags_are_shown_as_written(load) -> None:
    outcome = tags.check(load(HEADER + PRODUCER.replace('["exercise", "module-05", "assets", "producer"]', '["producer", "exercise"]')))
    assert outcome.status == "failed" and 'has tags=["producer", "exercise"]' in outcome.message


def test_every_dag_is_held_to_its_own_tags(load) -> None:
    from hand_built import WAREHOUSE, in_warehouse

    assert tags.check(in_warehouse(load(WAREHOUSE))).status == "passed"
    outcome = tags.check(in_warehouse(load(WAREHOUSE.replace('"consumer", "audit"', '"consumer"'))))
    assert outcome.status == "failed" and outcome.message.startswith("t_audit_consumer has tags=")
    assert "missing ['audit']" in outcome.message


def test_every_dag_with_wrong_tags_is_named_in_one_go_in_file_order(load) -> None:
    from hand_built import WAREHOUSE, in_warehouse

    wrong = WAREHOUSE.replace('tags=["test", "producer", "orders"]', 'tags=["test"]')
    wrong = wrong.replace('tags=["test", "consumer", "audit"]', 'tags=["audit"]')
    outcome = tags.check(in_warehouse(load(wrong)))
    assert outcome.status == "failed" and outcome.line == 6
    assert outcome.message.startswith("t_orders_producer has tags=[\"test\"]")
    assert "; t_audit_consumer has tags=[\"audit\"]" in outcome.message and outcome.message.endswith("(line 32)")
