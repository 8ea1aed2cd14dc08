from exercise_cli.checks import start_dates
from hand_built import CONSUMER, HEADER, PRODUCER


def test_passes_on_january_1_2024(load) -> None:
    assert start_dates.check(load(HEADER + PRODUCER + CONSUMER)).status == "passed"


def test_midnight_in_the_dags_own_time_zone_passes(load) -> None:
    source = "import pendulum\n" + HEADER + PRODUCER.replace("datetime(2024, 1, 1)", 'pendulum.datetime(2024, 1, 1, tz="Europe/Paris")')
    assert start_dates.check(load(source)).status == "passed"


def test_fails_on_another_date_with_the_line(load) -> None:
    outcome = start_dates.check(load(HEADER + PRODUCER.replace("datetime(2024, 1, 1)", "datetime(2024, 2, 1)")))
    assert outcome.status == "failed" and "start_date=2024-02-01" in outcome.message and outcome.line == 5


def test_one_dag_starts_on(load) -> None:
    outcome = start_dates.check(load(HEADER + PRODUCER))
    assert outcome.status == "passed" and outcome.message == "exercise_5_1_producer starts on 2024-01-01"


def test_all_four_dags_start_on(load) -> None:
    from hand_built import WAREHOUSE, in_warehouse

    outcome = start_dates.check(in_warehouse(load(WAREHOUSE)))
    assert outcome.message == ("t_orders_producer, t_products_producer, t_report_consumer and t_audit_consumer "
                               "start on 2024-01-01")
    late = WAREHOUSE.replace('t_report_consumer", schedule=[orders, products], start_date=datetime(2024, 1, 1)',
                             't_report_consumer", schedule=[orders, products], start_date=datetime(2024, 3, 1)')
    outcome = start_dates.check(in_warehouse(load(late)))
    assert outcome.status == "failed" and outcome.message.startswith("t_report_consumer has start_date=2024-03-01")
