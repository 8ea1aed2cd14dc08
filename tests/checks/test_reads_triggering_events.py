from exercise_cli.checks import reads_triggering_events
from hand_built import CONSUMER, HEADER


def test_passes_when_the_task_reads_the_key(load) -> None:
    outcome = reads_triggering_events.check(load(HEADER + CONSUMER))
    assert outcome.status == "passed" and outcome.line == 9  # the task's function


def test_a_helper_function_of_the_file_counts(load) -> None:
    source = HEADER + "def show(context):\n    print(context['triggering_asset_events'])\n" + CONSUMER.replace(
        'for asset, events in context["triggering_asset_events"].items():\n            print(asset.uri)', "show(context)")
    assert reads_triggering_events.check(load(source)).status == "passed"


def test_the_airflow2_key_fails_with_the_fix(load) -> None:
    outcome = reads_triggering_events.check(load(HEADER + CONSUMER.replace("triggering_asset_events", "triggering_dataset_events")))
    assert outcome.status == "failed" and "triggering_dataset_events" in outcome.message and "triggering_asset_events" in outcome.hint


def test_a_hard_coded_uri_fails(load) -> None:
    source = HEADER + CONSUMER.replace('for asset, events in context["triggering_asset_events"].items():\n            print(asset.uri)',
                                       'print("s3://data-lake/processed_data")')
    outcome = reads_triggering_events.check(load(source))
    assert outcome.status == "failed" and "reads triggering_asset_events from its context" in outcome.message


def test_the_key_is_a_parameter_the_exercise_may_set(load) -> None:
    """PARAMS holds the default; an exercise's `with = {key = "..."}` asks for another context key."""
    assert reads_triggering_events.PARAMS == {"key": "triggering_asset_events"}
    source = HEADER + CONSUMER.replace('context["triggering_asset_events"]', 'context["inlet_events"]')
    assert reads_triggering_events.check(load(source), key="inlet_events").status == "passed"
    outcome = reads_triggering_events.check(load(source))
    assert outcome.status == "failed" and "reads triggering_asset_events from its context" in outcome.message
