from exercise_cli.checks import consumer_schedule
from hand_built import CONSUMER, HEADER, PRODUCER


def schedule(load, written: str):
    return consumer_schedule.check(load(HEADER + PRODUCER + CONSUMER.replace("schedule=[processed_data]", f"schedule={written}")))


def test_the_producers_asset_passes(load) -> None:
    assert schedule(load, "[processed_data]").status == "passed"
    assert schedule(load, '(processed_data | Asset("s3://other"))').status == "passed"


def test_another_uri_fails(load) -> None:
    outcome = schedule(load, '[Asset("s3://data-lake/processed-data")]')
    assert outcome.status == "failed" and "the URIs differ" in outcome.message


def test_an_and_condition_fails_naming_the_other_asset(load) -> None:
    outcome = schedule(load, '[processed_data, Asset("s3://other")]')
    assert outcome.status == "failed" and "it also waits for ['s3://other/']" in outcome.message  # Airflow's normal form


def test_references_resolve_as_airflow_resolves_them(load) -> None:
    assert schedule(load, '[Asset.ref(uri="s3://data-lake/processed_data")]').status == "passed"
    by_name = schedule(load, '[Asset.ref(name="processed_data")]')
    assert by_name.status == "failed" and "named 'processed_data'" in by_name.message


def test_a_time_schedule_fails(load) -> None:
    outcome = schedule(load, '"@daily"')
    assert outcome.status == "failed" and "wanted schedule=[processed_data]" in outcome.message


def test_scheduled_on_the_producers_very_asset_passes_even_with_a_wrong_uri(load) -> None:
    """The URI wrong in both DAGs is the producer's check's failure alone."""
    outcome = consumer_schedule.check(load(HEADER.replace("data-lake", "datalake") + PRODUCER + CONSUMER))
    assert outcome.status == "passed" and "'s3://datalake/processed_data' alone triggers" in outcome.message
