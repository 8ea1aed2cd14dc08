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
    assert outcome.status == "failed" and "produces Asset 's3://x/y'" in outcome.message
