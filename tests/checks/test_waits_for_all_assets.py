from exercise_cli.checks import waits_for_all_assets
from hand_built import ORDERS, PRODUCTS, WAREHOUSE, dag_run, event, in_warehouse, ran, warehouse

from exercise_cli.facts import EarlyCheck, RunFacts
from exercise_cli.verdicts import evaluate


SCHEDULE = next(spec for spec in warehouse().checks if spec.id == "consumer_schedule")


def early(*runs, updated=(ORDERS,)):
    return ran(warehouse(), early={"t_report_consumer": EarlyCheck(list(updated), list(runs))})


def test_no_run_after_some_updates_passes_naming_what_was_updated() -> None:
    outcome = waits_for_all_assets.check(early())
    assert outcome.status == "passed"
    assert outcome.message == (f"with only {ORDERS} updated, the scheduler created no run of t_report_consumer: "
                               f"it waits for {PRODUCTS}")


def test_a_run_made_early_fails_naming_it_and_what_was_updated() -> None:
    outcome = waits_for_all_assets.check(early(dag_run("t_report_consumer", "asset_triggered__1", "queued",
                                                       consumed=[event(ORDERS, "t_orders_producer")],
                                                       run_type="asset_triggered")))
    assert outcome.status == "failed"
    assert outcome.message == (f"the scheduler created asset_triggered__1 of t_report_consumer when only {ORDERS} was "
                               f"updated, before {PRODUCTS}: its schedule lets any one Asset trigger it (the same cause as "
                               f"'{SCHEDULE.title}')")
    assert outcome.hint == f"The fix of '{SCHEDULE.title}': {SCHEDULE.hint}"


def test_a_run_from_several_assets_but_not_all_does_not_say_any_one() -> None:
    three = ran(warehouse(), early={"t_report_consumer": EarlyCheck([ORDERS, "postgres://warehouse/x"], [
        dag_run("t_report_consumer", "asset_triggered__1", "queued", run_type="asset_triggered",
                consumed=[event(ORDERS, "t_orders_producer"), event("postgres://warehouse/x", "t_x", 2)])])})
    outcome = waits_for_all_assets.check(three)
    assert outcome.status == "failed" and "its schedule does not wait for all of its Assets" in outcome.message
    assert "any one" not in outcome.message


def test_a_scheduled_run_made_early_fails_for_the_timetable_beside_the_assets() -> None:
    """A consumer on Assets OR a cron: every run the scheduler makes counts, not only asset-triggered ones."""
    outcome = waits_for_all_assets.check(early(dag_run("t_report_consumer", "scheduled__2026-12-02T03:00:00+00:00",
                                                       "queued", run_type="scheduled")))
    assert outcome.status == "failed"
    assert outcome.message == (f"the scheduler created scheduled__2026-12-02T03:00:00+00:00 of t_report_consumer "
                               f"(scheduled, not asset-triggered) when only {ORDERS} was updated, before {PRODUCTS}: "
                               f"its schedule also runs it on a timetable (the same cause as '{SCHEDULE.title}')")
    assert outcome.hint == f"The fix of '{SCHEDULE.title}': {SCHEDULE.hint}"


def test_a_consumer_whose_list_leaves_an_asset_out_is_told_so_not_any_one(load) -> None:
    """A list is AND: a consumer on two of its Assets runs after those two, not after any one."""
    sub = in_warehouse(load(WAREHOUSE.replace("schedule=[orders, products]", "schedule=[orders]")))
    sub.run = RunFacts(early={"t_report_consumer": EarlyCheck([ORDERS], [
        dag_run("t_report_consumer", "asset_triggered__1", "queued", run_type="asset_triggered",
                consumed=[event(ORDERS, "t_orders_producer")])])})
    outcome = waits_for_all_assets.check(sub)
    assert outcome.status == "failed"
    assert f"its schedule leaves out {PRODUCTS}, so it does not wait for it" in outcome.message
    assert outcome.message.endswith(f"(the same cause as '{SCHEDULE.title}')")
    assert outcome.hint == f"The fix of '{SCHEDULE.title}': {SCHEDULE.hint}"


def test_a_step_not_reached_fails_with_the_graders_reason() -> None:
    sub = ran(warehouse(), error="Airflow failed while run orders_producer: KeyError: x")
    assert waits_for_all_assets.check(sub).message == "Airflow failed while run orders_producer: KeyError: x"
    assert "did not reach its check of t_report_consumer" in waits_for_all_assets.check(ran(warehouse())).message


def test_a_scenario_without_a_not_triggered_step_says_so() -> None:
    outcome = waits_for_all_assets.check(ran())  # exercise 5.1 has no such step
    assert outcome.status == "skipped"
    assert outcome.message == ("the exercise's scenario has no not_triggered step: it never checks that "
                               "exercise_5_1_consumer waits before all its Assets are updated")


def test_static_mode_leaves_it_to_a_full_run(load) -> None:
    sub = in_warehouse(load(WAREHOUSE, mode="static"))
    record = evaluate(sub.exercise, sub, kinds={"static", "dynamic"})["waits_for_all_assets"]
    assert record["status"] == "skipped" and "needs a full run" in record["message"]
