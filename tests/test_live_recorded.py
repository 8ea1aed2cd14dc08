"""`check --live` against REST answers recorded from real Airflow 3.0, 3.1, 3.2 and 3.3 deployments, for each
exercise (`make compat RECORD=1` records them; compat/recording.py replays them over HTTP).

The deployment's DAG files go through the same sandboxed parse child and the same checks as a
local file: where the facts are the same, so are the messages.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from conftest import REPO, graded
from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.checks import check_module
from exercise_cli.course import load_course, load_exercise

sys.path.insert(0, str(REPO))
from compat.run import CASES, VERSIONS, Case  # noqa: E402
from compat.recording import ReplayServer  # noqa: E402

RECORDED = Path(__file__).parent / "live" / "recorded"
EXERCISES = sorted({case.exercise for case in CASES})


def case(exercise: str, fixture: str) -> Case:
    return next(c for c in CASES if (c.exercise, c.fixture) == (exercise, fixture))


def replayed(version: str, case: Case, recording: Path | None = None) -> tuple[int, dict]:
    with ReplayServer(recording or RECORDED / version / case.recording) as server:
        result = CliRunner().invoke(app, ["check", "--live", server.url, "--exercise", case.exercise, "--username", "admin",
                                          "--password", "recorded", "--json", "--wait", "30"], env={"COLUMNS": "100"})
    assert server.unrecorded == [], f"requests the recording of {version} does not hold"
    assert server.airflow == version
    return result.exit_code, json.loads(result.stdout)


def checks_of(doc: dict) -> dict[str, dict]:
    return {check["id"]: check for criterion in doc["criteria"] for check in criterion["checks"]}


def criteria_of(doc: dict) -> dict[str, str]:
    return {criterion["id"]: criterion["status"] for criterion in doc["criteria"]}


def test_every_version_and_case_was_recorded() -> None:
    assert EXERCISES == sorted(load_course().exercise_ids), "make compat covers every exercise"
    for version in VERSIONS:
        for each in CASES:
            path = RECORDED / version / each.recording
            assert path.is_file(), f"{version}/{each.recording}: run `make compat RECORD=1`"
            about = json.loads(path.read_text(encoding="utf-8"))
            assert (about["airflow"], about["exercise"], about["fixture"]) == (version, each.exercise, each.fixture)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_solution_deployed_passes_every_check_in_the_local_checks_words(exercise_id: str, version: str) -> None:
    code, doc = replayed(version, case(exercise_id, "solution"))
    checks = checks_of(doc)
    assert code == 0 and doc["passed"] is True and doc["mode"] == "live", doc
    assert "asset_triggered" in checks["consumer_triggered"]["message"]
    assert checks["quiz"]["status"] == "pending"
    exercise = load_exercise(exercise_id)
    assert all(checks[spec.id]["status"] == "passed" for spec in exercise.checks if spec.kind != "quiz")
    if exercise_id == "5.1":
        assert checks["consumer_message"]["message"] == "task consume_data printed 'Data is available for processing!'"
    else:  # the scheduler looked after orders and products, and made no run
        assert checks["waits_for_all_assets"]["message"].startswith("with only postgres://warehouse/orders and "
                                                                    "postgres://warehouse/products updated, the scheduler "
                                                                    "created no run of exercise_5_2_analytics_consumer")
        for asset in exercise.assets.values():
            assert asset.uri in checks["consumer_names_asset"]["message"]
    local = graded(str(exercise.solution_dir / exercise.solution), static=True,  # the one file the deployment has
                   exercise_id=exercise_id)
    for spec in exercise.checks:
        if spec.kind == "static":
            mine = local.check(spec.id)
            assert (checks[spec.id]["status"], checks[spec.id]["message"], checks[spec.id]["line"]) == (
                mine.status, mine.message, mine.line), spec.id


@pytest.mark.parametrize("version", VERSIONS)
def test_a_uri_mismatch_deployed_fails_auto_trigger_with_the_local_checks_words(version: str) -> None:
    mismatch = case("5.1", "fails_uri_mismatch")
    code, doc = replayed(version, mismatch)
    live = checks_of(doc)
    assert code == 1
    assert criteria_of(doc)["auto_trigger"] == "failed"
    assert live["consumer_triggered"]["status"] == "skipped"  # the schedule check's failure is the cause, reported once
    assert live["producer_run"]["status"] == "passed" and live["asset_event"]["status"] == "passed"
    local = graded(str(mismatch.dags), static=True).check("consumer_schedule")
    assert live["consumer_schedule"]["status"] == local.status == "failed"
    assert live["consumer_schedule"]["message"] == local.message
    assert live["consumer_schedule"]["line"] == local.line and live["consumer_schedule"]["file"].endswith("dags.py")


@pytest.mark.parametrize("version", VERSIONS)
def test_an_or_consumer_deployed_fails_waits_for_all_on_the_runs_the_scheduler_made_early(version: str) -> None:
    """The deployment's scheduler ran `orders | products | customers` after the first updates: live mode saw
    those runs at its not_triggered step (after two scheduler heartbeats), so the failure is a fact, not a guess."""
    either = case("5.2", "fails_or_operator")
    code, doc = replayed(version, either)
    live = checks_of(doc)
    assert code == 1 and doc["passed"] is False
    assert criteria_of(doc)["waits_for_all"] == "failed" and criteria_of(doc)["consumer_multi_asset"] == "failed"
    assert live["producer_run"]["status"] == live["asset_event"]["status"] == "passed"
    early = live["waits_for_all_assets"]
    assert early["status"] == "failed"
    assert " of exercise_5_2_analytics_consumer when only " in early["message"]
    made = re.findall(r"asset_triggered__\S+", early["message"])
    assert made and made == sorted(made), "the runs made early, oldest first (as local grading lists them)"
    assert "before postgres://warehouse/customers: its schedule lets any one Asset trigger it" in early["message"]
    assert live["consumer_triggered"]["status"] == "skipped"  # the schedule check's failure is the cause, reported once
    local = graded(str(either.dags), static=True, exercise_id="5.2").check("consumer_schedule")
    assert live["consumer_schedule"]["status"] == local.status == "failed"
    assert (live["consumer_schedule"]["message"], live["consumer_schedule"]["line"]) == (local.message, local.line)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_a_fact_the_deployment_withholds_skips_the_checks_that_read_it(exercise_id: str, tmp_path: Path) -> None:
    """Task logs not served (404) and Assets forbidden (403): those checks say they cannot tell, not that you failed."""
    solution = case(exercise_id, "solution")
    doc = json.loads((RECORDED / "3.3.2" / solution.recording).read_text(encoding="utf-8"))
    for exchange in doc["exchanges"]:
        if "/logs/" in exchange["path"]:
            exchange.update(status=404, body={"detail": "log not found"})
        if exchange["path"] == "/api/v2/assets":
            exchange.update(status=403, body={"detail": "Forbidden"})
    recording = tmp_path / "withheld.json"
    recording.write_text(json.dumps(doc), encoding="utf-8")
    code, report = replayed("3.3.2", solution, recording)
    checks = checks_of(report)
    assert code == 1 and report["passed"] is False
    exercise = load_exercise(exercise_id)
    reading = {spec.id: getattr(check_module(spec.id, exercise), "READS", ()) for spec in exercise.checks}
    log_readers = [check_id for check_id, reads in reading.items() if "task_output" in reads]
    assert log_readers and "consumer_names_asset" in log_readers
    for check_id in log_readers:
        assert checks[check_id]["status"] == "skipped"
        assert checks[check_id]["message"].startswith("cannot tell in this mode: the deployment did not serve the task log")
    assert checks["asset_registered"]["status"] == "skipped"
    assert "does not let this user read Assets" in checks["asset_registered"]["message"]
    assert checks["producer_run"]["status"] == checks["consumer_run"]["status"] == "passed"
