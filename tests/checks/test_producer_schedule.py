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


def test_schedule_none_is_what_a_triggered_producer_wants(load) -> None:
    from hand_built import WAREHOUSE, in_warehouse

    outcome = producer_schedule.check(in_warehouse(load(WAREHOUSE)))
    assert outcome.status == "passed" and "t_orders_producer runs only when triggered" in outcome.message


def test_a_time_schedule_fails_a_triggered_producer(load) -> None:
    from hand_built import WAREHOUSE, in_warehouse

    hourly = WAREHOUSE.replace('dag_id="t_products_producer", schedule=None', 'dag_id="t_products_producer", schedule="@hourly"')
    outcome = producer_schedule.check(in_warehouse(load(hourly)))
    assert outcome.status == "failed" and outcome.line == 14
    assert outcome.message.startswith("t_products_producer has schedule='@hourly' (") and "wanted schedule=None" in outcome.message


def test_every_producer_on_a_wrong_schedule_is_named_in_one_go_in_file_order(load) -> None:
    from hand_built import WAREHOUSE, in_warehouse

    both_hourly = WAREHOUSE.replace('dag_id="t_orders_producer", schedule=None', 'dag_id="t_orders_producer", schedule="@hourly"')
    both_hourly = both_hourly.replace('dag_id="t_products_producer", schedule=None', 'dag_id="t_products_producer", schedule="@daily"')
    outcome = producer_schedule.check(in_warehouse(load(both_hourly)))
    assert outcome.status == "failed" and outcome.line == 6
    assert outcome.message.startswith("t_orders_producer has schedule='@hourly'")
    assert "; t_products_producer has schedule='@daily'" in outcome.message and outcome.message.endswith("(line 14)")
