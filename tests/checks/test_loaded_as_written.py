from dataclasses import replace

from exercise_cli.checks import loaded_as_written
from exercise_cli.facts import condition
from hand_built import CONSUMER, HEADER, PRODUCER

URI = "s3://data-lake/processed_data"
OR_CONSUMER = CONSUMER.replace("schedule=[processed_data]", "schedule=(processed_data | reference)")
WITH_REFERENCE = HEADER + 'reference = Asset("s3://data-lake/reference")\n'


def _loaded_as(sub, dag_id, schedule):
    sub.loaded[dag_id] = replace(sub.loaded[dag_id], schedule=schedule)
    return sub


def test_passes_when_airflow_loaded_what_the_source_states(load) -> None:
    outcome = loaded_as_written.check(load(HEADER + PRODUCER + CONSUMER))
    assert outcome.status == "passed" and "is what Airflow loaded" in outcome.message


def test_passes_for_or_and_all_of_as_airflow_reads_them(load) -> None:
    for schedule in ("(processed_data | reference)", "(processed_data & reference)", "AssetAll(processed_data, reference)",
                     "AssetAny(processed_data, Asset('s3://data-lake/reference'))"):
        source = WITH_REFERENCE.replace("import Asset,", "import Asset, AssetAll, AssetAny,") + PRODUCER \
            + CONSUMER.replace("schedule=[processed_data]", f"schedule={schedule}")
        assert loaded_as_written.check(load(source)).status == "passed", schedule


def test_fails_when_or_was_loaded_as_and_quoting_the_line(load) -> None:
    sub = load(WITH_REFERENCE + PRODUCER + OR_CONSUMER)
    sub = _loaded_as(sub, "exercise_5_1_consumer", condition("all", [("asset", "s3://data-lake/reference"), ("asset", URI)]))
    outcome = loaded_as_written.check(sub)
    assert outcome.status == "failed" and outcome.line == 15 and outcome.file == "dags.py"
    assert ("line 15 says schedule=processed_data | reference (any one of its 2 Assets), but Airflow loaded all of them: "
            "something changed Airflow") in outcome.message


def test_names_the_assets_when_the_loaded_ones_differ(load) -> None:
    sub = _loaded_as(load(WITH_REFERENCE + PRODUCER + OR_CONSUMER), "exercise_5_1_consumer", ("asset", "s3://elsewhere"))
    outcome = loaded_as_written.check(sub)
    assert outcome.status == "failed"
    assert f"(any one of {URI} or s3://data-lake/reference), but Airflow loaded s3://elsewhere" in outcome.message


def test_fails_when_no_schedule_was_loaded_as_assets(load) -> None:
    sub = _loaded_as(load(HEADER + PRODUCER.replace('schedule="@hourly", ', "")), "exercise_5_1_producer", ("asset", URI))
    outcome = loaded_as_written.check(sub)
    assert outcome.status == "failed" and "says no schedule (none given) (no schedule)" in outcome.message


def test_fails_when_the_outlets_loaded_are_not_the_ones_written(load) -> None:
    sub = load(HEADER + PRODUCER)
    loaded = sub.loaded["exercise_5_1_producer"]
    sub.loaded["exercise_5_1_producer"] = replace(loaded, tasks=(replace(loaded.tasks[0], outlets=("s3://elsewhere",)),))
    outcome = loaded_as_written.check(sub)
    assert outcome.status == "failed" and outcome.line == 8
    assert f"line 8 says outlets=[processed_data] ({URI}), but Airflow loaded s3://elsewhere" in outcome.message


def test_cannot_tell_what_the_source_does_not_state_literally(load) -> None:
    """Asset.ref, a variable, an Asset class of the file's own: nothing to compare, so nothing fails."""
    for consumer in (CONSUMER.replace("[processed_data]", '[Asset.ref(name="processed_data")]'),
                     "SOURCES = [processed_data]\n" + CONSUMER.replace("[processed_data]", "list(SOURCES)")):
        sub = _loaded_as(load(HEADER + consumer), "exercise_5_1_consumer", ("any", (("asset", "a"), ("asset", "b"))))
        assert loaded_as_written.check(sub).status == "passed", consumer
    own_asset = HEADER + "def Asset(uri):\n    return processed_data\n" + CONSUMER.replace("[processed_data]", '[Asset("x")]')
    sub = _loaded_as(load(own_asset), "exercise_5_1_consumer", ("any", (("asset", "a"), ("asset", "b"))))
    outcome = loaded_as_written.check(sub)
    assert outcome.status == "passed" and "nothing stated literally" in outcome.message


def test_a_task_applied_by_hand_has_its_outlets_compared_and_a_dict_states_no_schedule(load) -> None:
    source = HEADER + """
PRODUCER = {"dag_id": "exercise_5_1_producer", "schedule": "@hourly", "start_date": datetime(2024, 1, 1)}
def process():
    print("done")
@dag(**PRODUCER)
def data_producer():
    task(outlets=[processed_data])(process)()
data_producer()
"""
    outcome = loaded_as_written.check(load(source))
    assert outcome.status == "passed" and "each schedule and outlet your code states" in outcome.message, outcome.message
