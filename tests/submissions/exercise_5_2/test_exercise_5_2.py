"""Exercise 5.2 beyond each fixture's golden verdict (tests/test_golden.py, which grades every fixture in
full mode): a static grading names every producer on a wrong schedule at once, in file order."""

from __future__ import annotations

from conftest import TESTS, graded

FIXTURES = TESTS / "submissions" / "exercise_5_2"


def test_every_producer_on_a_wrong_schedule_is_named_in_one_go_in_file_order() -> None:
    report = graded(str(FIXTURES / "fails_three_scheduled_producers"), static=True, exercise_id="5.2")
    schedule = report.check("producer_schedule")
    assert schedule.status == "failed" and schedule.line == 26
    named = [schedule.message.index(f"exercise_5_2_{name}_producer has schedule='@daily'")
             for name in ("orders", "products", "customers")]
    assert named == sorted(named) and "(line 46)" in schedule.message and "(line 66)" in schedule.message
