from exercise_cli.checks import producer_schedule
from hand_built import HEADER, PRODUCER


def test_hourly_and_its_cron_pass(load) -> None:
    assert producer_schedule.check(load(HEADER + PRODUCER)).status == "passed"
    assert producer_schedule.check(load(HEADER + PRODUCER.replace('"@hourly"', '"0 * * * *"'))).status == "passed"


def test_daily_fails_with_the_run_times(load) -> None:
    outcome = producer_schedule.check(load(HEADER + PRODUCER.replace('"@hourly"', '"@daily"')))
    assert outcome.status == "failed" and "schedule='@daily'" in outcome.message and "2024-01-02 00:00" in outcome.message


def test_half_past_fails(load) -> None:
    outcome = producer_schedule.check(load(HEADER + PRODUCER.replace('"@hourly"', '"30 * * * *"')))
    assert outcome.status == "failed" and "runs at 2024-01-01 00:30" in outcome.message


def test_no_schedule_gives_no_recurring_runs(load) -> None:
    outcome = producer_schedule.check(load(HEADER + PRODUCER.replace('"@hourly"', "None")))
    assert outcome.status == "failed" and "no recurring runs" in outcome.message
