from exercise_cli.checks import consumer_schedule
from hand_built import CONSUMER, HEADER, PRODUCER


def schedule(load, written: str):
    header = HEADER.replace("import Asset,", "import Asset, AssetOrTimeSchedule, CronTriggerTimetable,")
    return consumer_schedule.check(load(header + PRODUCER + CONSUMER.replace("schedule=[processed_data]", f"schedule={written}")))


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


def test_assets_or_a_timetable_fails_at_the_schedule_line_with_the_fix(load) -> None:
    """AssetOrTimeSchedule is Asset-scheduled too, but the scheduler also runs it on time: not what is wanted."""
    outcome = schedule(load, 'AssetOrTimeSchedule(timetable=CronTriggerTimetable("0 * * * *", timezone="UTC"), '
                             'assets=[processed_data])')
    assert outcome.status == "failed" and outcome.line == 14  # the consumer's @dag(schedule=...) line
    assert outcome.message.startswith("exercise_5_1_consumer is scheduled on its Assets OR a timetable (Asset or ")
    assert outcome.hint.startswith("schedule=[processed_data] alone: drop AssetOrTimeSchedule")


def test_a_plain_timetable_fails_as_a_time_schedule(load) -> None:
    outcome = schedule(load, 'CronTriggerTimetable("0 * * * *", timezone="UTC")')
    assert outcome.status == "failed" and "wanted schedule=[processed_data]" in outcome.message and outcome.line == 14


def test_scheduled_on_the_producers_very_asset_passes_even_with_a_wrong_uri(load) -> None:
    """The URI wrong in both DAGs is the producer's check's failure alone."""
    outcome = consumer_schedule.check(load(HEADER.replace("data-lake", "datalake") + PRODUCER + CONSUMER))
    assert outcome.status == "passed" and "'s3://datalake/processed_data' alone triggers" in outcome.message


# Several Assets (the test course's report consumer waits for orders AND products).
from hand_built import ORDERS, PRODUCTS, WAREHOUSE, in_warehouse  # noqa: E402

REPORT = "schedule=[orders, products]"


def report(load, written: str):
    return consumer_schedule.check(in_warehouse(load(WAREHOUSE.replace(REPORT, f"schedule={written}"))))


def test_a_list_or_an_and_of_all_the_assets_passes(load) -> None:
    outcome = report(load, "[orders, products]")
    assert outcome.status == "passed"
    assert outcome.message == (f"schedule=[orders, products]: t_report_consumer runs once all of {ORDERS} and {PRODUCTS} "
                               f"are updated, and not before; schedule=[orders]: an update of {ORDERS!r} alone triggers "
                               "t_audit_consumer")
    assert report(load, "(orders & products)").status == "passed"
    assert report(load, "[products, orders]").status == "passed"


def test_an_or_fails_saying_it_would_run_after_the_first_update(load) -> None:
    outcome = report(load, "(orders | products)")
    assert outcome.status == "failed"
    assert outcome.message == ("t_report_consumer would run after the first update: schedule=orders | products "
                               f"lets any one of {ORDERS} or {PRODUCTS} trigger it without waiting for the other Assets")
    assert "a list (or &) waits for all" in outcome.hint


def test_a_missing_asset_is_named(load) -> None:
    outcome = report(load, "[orders]")
    assert outcome.status == "failed" and f"not on {PRODUCTS}:" in outcome.message


def test_an_extra_asset_is_named(load) -> None:
    outcome = report(load, '[orders, products, Asset("s3://extra/")]')
    assert outcome.status == "failed" and "waits for s3://extra/ too" in outcome.message


def test_an_asset_beside_the_wanted_ones_is_named(load) -> None:
    outcome = report(load, '((orders & products) | Asset("s3://extra/"))')
    assert outcome.status == "failed" and outcome.message.startswith("t_report_consumer is also scheduled on s3://extra/:")


def test_the_other_consumers_single_asset_is_decided_as_in_5_1(load) -> None:
    sub = in_warehouse(load(WAREHOUSE.replace("schedule=[orders], start", "schedule=[products], start")))
    outcome = consumer_schedule.check(sub)
    assert outcome.status == "failed"
    assert outcome.message == (f"t_audit_consumer is scheduled on {PRODUCTS!r}, but the producer updates {ORDERS!r}: "
                               "the URIs differ, so the consumer never runs")


def test_a_time_schedule_names_every_asset(load) -> None:
    outcome = report(load, '"@daily"')
    assert outcome.status == "failed" and f"wanted schedule=[orders, products], the Assets {[ORDERS, PRODUCTS]}" in outcome.message


def test_an_asset_alias_is_named_as_one_not_as_a_uri_that_differs(load) -> None:
    """Airflow's own example asset DAGs: a consumer on an AssetAlias, a producer with no outlets."""
    header = HEADER.replace("import Asset,", "import Asset, AssetAlias,")
    no_outlets = PRODUCER.replace("@task(outlets=[processed_data])", "@task")
    outcome = consumer_schedule.check(load(header + no_outlets + CONSUMER.replace(
        "schedule=[processed_data]", 'schedule=[AssetAlias("example-alias")]')))
    assert outcome.status == "failed" and "URIs differ" not in outcome.message
    assert outcome.message == ("exercise_5_1_consumer is scheduled on the AssetAlias 'example-alias': an alias triggers it "
                               "only when a task attaches an event to that alias at run time; and no producer task lists "
                               "an Asset in its outlets yet")
    assert outcome.hint.startswith("schedule=[processed_data]")


def test_another_uri_with_a_producer_without_outlets_does_not_claim_what_the_producer_updates(load) -> None:
    no_outlets = PRODUCER.replace("@task(outlets=[processed_data])", "@task")
    outcome = consumer_schedule.check(load(HEADER + no_outlets + CONSUMER.replace(
        "schedule=[processed_data]", '[Asset("s3://elsewhere")]'.join(("schedule=", "")))))
    assert outcome.status == "failed" and "the producer updates" not in outcome.message
    assert "wanted 's3://data-lake/processed_data'; and no producer task lists an Asset in its outlets yet" in outcome.message
