"""The scenario engine on exercise 5.2's shape: a course defined only in test data (tests/scenario_data),
three producers triggered one at a time and a consumer on their three Assets, graded through the CLI's
entry point with real Airflow (its scheduler's own code decides when the consumer runs).

The test course's checks (scenario_data/checks/three_assets/) put the facts the scenario gathered into
their messages, so that what is asserted here is what the grading process recorded.
"""

from __future__ import annotations

from functools import cache

import pytest
from conftest import TESTS

from exercise_cli.course import COURSE_ENV, load_course

DATA = TESTS / "scenario_data"
COURSE = DATA / "course.toml"
URIS = ["file://test/alpha", "file://test/beta", "file://test/gamma"]


@pytest.fixture(autouse=True)
def test_course(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(COURSE_ENV, str(COURSE))


@cache
def outcomes(folder: str) -> dict[str, tuple[str, str]]:
    from exercise_cli.grading.grader import grade

    report = grade(str(DATA / folder), exercise_id="T.3")
    return {check.id: (check.status, check.message) for criterion in report.criteria for check in criterion.checks}


def test_the_test_course_is_read_from_its_own_folders() -> None:
    exercise = load_course(COURSE).exercise("T.3")
    assert [spec.id for spec in exercise.producers] == ["t3_alpha_producer", "t3_beta_producer", "t3_gamma_producer"]
    assert [step.step for step in exercise.scenario].count("run") == 4
    assert exercise.solution_dir == DATA / "solution" / "three_assets"


def test_a_consumer_on_all_three_assets_waits_for_the_third_then_consumes_all_three() -> None:
    checks = outcomes("solution/three_assets")
    assert checks["producers_ran"][0] == "passed", checks
    # The scheduler's step after two of three producer runs: no consumer run (EarlyCheck.runs empty).
    assert checks["waits_for_all"] == ("passed", f"after {URIS[:2]}: 0 asset-triggered run(s) []")
    # After the third: one asset-triggered run, which consumed the three events.
    assert checks["consumer_triggered"] == ("passed", f"1 asset-triggered run(s) [{URIS}]")
    assert checks["consumer_run"][0] == "passed" and checks["consumer_run"][1].startswith(f"asset_triggered success {URIS}")
    assert checks["assets_view"] == ("passed", "; ".join(
        f"{uri}: ['t3_{name}_producer'] -> ['t3_report']" for uri, name in zip(URIS, ("alpha", "beta", "gamma"))))


def test_a_consumer_on_any_asset_runs_early_and_the_early_run_is_recorded() -> None:
    checks = outcomes("submissions/fails_or_condition")
    # alpha | beta | gamma: the scheduler made a run from the first two events already.
    assert checks["waits_for_all"] == ("failed", f"after {URIS[:2]}: 1 asset-triggered run(s) [{URIS[:2]}]")
    # The walk went on: after the third, the early run and the one gamma's event triggered.
    assert checks["consumer_triggered"] == ("passed", f"2 asset-triggered run(s) [{URIS[:2]}, {URIS[2:]}]")
    # The run executed is the one the latest producer run's event triggered.
    assert checks["consumer_run"][1].startswith(f"asset_triggered success {URIS[2:]}")


def test_no_run_says_which_assets_were_updated_and_which_the_consumer_still_waits_for() -> None:
    checks = outcomes("submissions/fails_gamma_without_outlet")
    assert checks["producers_ran"][0] == "failed" and "t3_gamma_producer success []" in checks["producers_ran"][1]
    status, message = checks["consumer_triggered"]
    assert status == "failed"
    assert f"the events for {URIS[:2]} were queued for t3_report" in message
    assert f"it still waits for {URIS[2:]}" in message
    assert checks["consumer_run"] == ("failed", "the consumer was not run")


def test_the_assets_view_line_gets_no_tick_when_an_asset_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(COURSE_ENV)
    from exercise_cli.course import load_exercise
    from exercise_cli.facts import RunFacts
    from exercise_cli.scenario.step_summary import step_done

    exercise = load_exercise("5.1")
    view = next(step for step in exercise.scenario if step.step == "assets_view")
    missing = step_done(exercise, view, None, RunFacts(asset_records={"s3://data-lake/processed_data": {}}), True, {})
    assert missing["ok"] is False and "s3://data-lake/processed_data: not in the Assets view" in missing["summary"]
    assert step_done(exercise, view, None, RunFacts(), True, {})["ok"] is False  # the view was not read
    record = {"producing_tasks": [{"dag_id": "p", "task_id": "t"}], "scheduled_dags": [{"dag_id": "c"}]}
    listed = step_done(exercise, view, None, RunFacts(asset_records={"s3://data-lake/processed_data": record}), True, {})
    assert listed["ok"] is True and "produced by p.t, schedules c" in listed["summary"]


def test_a_step_about_a_dag_not_written_yet_says_it_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(COURSE_ENV)
    from exercise_cli.course import load_exercise
    from exercise_cli.facts import RunFacts
    from exercise_cli.scenario.step_summary import step_done

    exercise = load_exercise("5.1")
    step = next(step for step in exercise.scenario if step.dag == "consumer")
    data = step_done(exercise, step, None, RunFacts(), True, {})
    assert data["summary"] == "no DAG exercise_5_1_consumer yet: its steps wait for it" and data["waiting"] is True
