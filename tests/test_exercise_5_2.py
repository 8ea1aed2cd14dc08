"""Exercise 5.2 (multi-asset AND) graded in full mode for each of its fixtures (tests/submissions/exercise_5_2/):
which checks fail (the cause, once; what requires it waits), what they say, and the score. The
criterion "the consumer does NOT run until all three Assets are updated" is the scheduler's own
verdict: the scenario triggers the producers one at a time and asks its asset step for a run."""

from __future__ import annotations

import pytest
from conftest import TESTS, graded

FIXTURES = TESTS / "submissions" / "exercise_5_2"

# fixture -> (score out of 5, {failed check: text its message holds}). In full mode a criterion whose
# checks wait for a failed one (skipped) does not pass either: the score counts what was shown to work.
CASES: dict[str, tuple[float, dict[str, str]]] = {
    "passes_and_operator": (5, {}),
    "passes_asset_all": (5, {}),
    "passes_todo6_all_done": (5, {}),
    "passes_sources_dict_factory": (5, {}),  # f-string ids from a factory in a loop, schedule=list(SOURCES.values())
    "passes_classic_dag_all_of": (5, {}),  # with DAG(...), PythonOperator(outlets=[...]), AssetAll, pendulum
    "fails_or_operator": (1, {
        "consumer_schedule": "after the first",
        "waits_for_all_assets": "exercise_5_2_analytics_consumer",
    }),
    "fails_asset_or_time_schedule": (1, {  # the scheduler's hourly run came before customers was updated
        "consumer_schedule": "scheduled on its Assets OR a timetable",
        "waits_for_all_assets": "(scheduled, not asset-triggered) when only postgres://warehouse/orders and",
    }),
    "fails_asset_any_course_form": (0, {
        "files_import": "has no attribute 'any'",
    }),
    "fails_two_of_three": (1, {
        "consumer_schedule": "postgres://warehouse/customers",
        "waits_for_all_assets": "exercise_5_2_analytics_consumer",
    }),
    "fails_producer_without_outlets": (1, {
        "producer_outlet": "exercise_5_2_customers_producer",
    }),
    "fails_hourly_producer": (4, {
        "producer_schedule": "exercise_5_2_products_producer",
    }),
    "fails_course_solution_ids": (4, {  # each DAG found by its role (a producer by its Asset) and run: only the ids fail
        "dag_ids": "DAG id 'solution_5_2_orders_producer': did you mean 'exercise_5_2_orders_producer'?; DAG id "
                   "'solution_5_2_products_producer': did you mean 'exercise_5_2_products_producer'? (line 39)",
    }),
    "fails_consumer_ignores_events": (4, {
        "reads_triggering_events": "triggering_asset_events",
        "consumer_names_asset": "postgres://warehouse/",
    }),
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_each_fixture_fails_where_it_is_wrong(fixture: str) -> None:
    score, wanted = CASES[fixture]
    report = graded(str(FIXTURES / fixture), static=False, exercise_id="5.2")
    failed = {c.id: c.message for cr in report.criteria if cr.counts for c in cr.checks if c.status == "failed"}
    assert set(failed) == set(wanted), failed
    for check_id, text in wanted.items():
        assert text in failed[check_id], (check_id, failed[check_id])
    assert report.score()[0] == score, [(cr.id, cr.status) for cr in report.criteria]
    assert report.passed == fixture.startswith("passes_")


def test_the_asset_any_habit_gets_airflow_3s_form() -> None:
    report = graded(str(FIXTURES / "fails_asset_any_course_form"), static=False, exercise_id="5.2")
    hint = report.check("files_import").hint
    assert "|" in hint and "AssetAny" in hint, hint


def test_an_or_consumer_fails_the_wait_because_the_scheduler_ran_it_early() -> None:
    report = graded(str(FIXTURES / "fails_or_operator"), static=False, exercise_id="5.2")
    waits = report.check("waits_for_all_assets")
    assert waits.status == "failed"
    assert "postgres://warehouse/orders" in waits.message and "postgres://warehouse/customers" not in waits.message.split("updated")[0]


def test_the_solution_waits_for_all_three_and_logs_every_event() -> None:
    report = graded(str(TESTS.parent / "solution" / "exercise_5_2"), static=False, exercise_id="5.2")
    assert report.passed, [(c.id, c.message) for cr in report.criteria for c in cr.checks if c.status == "failed"]
    assert "no run" in report.check("waits_for_all_assets").message
    names = report.check("consumer_names_asset").message
    assert all(f"postgres://warehouse/{name}" in names for name in ("orders", "products", "customers")), names


def test_every_producer_on_a_wrong_schedule_is_named_in_one_go_in_file_order() -> None:
    report = graded(str(FIXTURES / "fails_three_scheduled_producers"), static=True, exercise_id="5.2")
    schedule = report.check("producer_schedule")
    assert schedule.status == "failed" and schedule.line == 26
    named = [schedule.message.index(f"exercise_5_2_{name}_producer has schedule='@daily'")
             for name in ("orders", "products", "customers")]
    assert named == sorted(named) and "(line 46)" in schedule.message and "(line 66)" in schedule.message


def test_a_consumer_on_two_of_three_is_told_its_list_leaves_one_out_not_any_one() -> None:
    waits = graded(str(FIXTURES / "fails_two_of_three"), static=False, exercise_id="5.2").check("waits_for_all_assets")
    assert waits.status == "failed"
    assert "its schedule leaves out postgres://warehouse/customers, so it does not wait for it" in waits.message
    assert "any one" not in waits.message and "|" not in waits.hint
