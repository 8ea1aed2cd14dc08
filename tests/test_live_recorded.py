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
pytestmark = pytest.mark.usefixtures("served_checks")


def case(exercise: str, fixture: str) -> Case:
    return next(c for c in CASES if (c.exercise, c.fixture) == (exercise, fixture))


def replayed(version: str, case: Case, recording: Path | None = None) -> tuple[int, dict]:
    """A recording answers in the order it was recorded, however fast it is asked: a poll every 0.02 s, and
    the 5 s of --wait is what a consumer run the static checks say cannot come is waited for."""
    with ReplayServer(recording or RECORDED / version / case.recording) as server:
        result = CliRunner().invoke(app, ["check", "--live", server.url, "--exercise", case.exercise, "--username", "admin",
                                          "--password", "recorded", "--json", "--wait", "5", "--poll", "0.02"], env={"COLUMNS": "100"})
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


def _as_the_course_says(case: Case, doc: dict) -> None:
    """The case's own expectations, from the course file: the statuses and the words of some checks."""
    checks = checks_of(doc)
    for check_id, status in case.live.statuses.items():
        assert checks[check_id]["status"] == status, (check_id, checks[check_id])
    for check_id, words in case.live.contains.items():
        for phrase in words:
            assert phrase in checks[check_id]["message"], (check_id, phrase, checks[check_id]["message"])
    for check in checks.values():  # runs a message lists are listed oldest first, as local grading lists them
        made = re.findall(r"asset_triggered__\S+", check["message"])
        assert made == sorted(made), check


def _static_checks_in_the_local_words(case: Case, doc: dict, dags: Path) -> None:
    """The deployment's DAG files go through the same parse child and checks as a local file: same facts,
    same words, same lines."""
    exercise = load_exercise(case.exercise)
    local = graded(str(dags), static=True, exercise_id=case.exercise)
    checks = checks_of(doc)
    for spec in exercise.checks:
        if spec.kind == "static":
            mine = local.check(spec.id)
            assert (checks[spec.id]["status"], checks[spec.id]["message"], checks[spec.id]["line"]) == (
                mine.status, mine.message, mine.line), spec.id


PASSING = [c for c in CASES if not c.fails]
FAILING = [c for c in CASES if c.fails]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("each", PASSING, ids=lambda c: f"{c.exercise}-{c.fixture}")
def test_a_passing_case_deployed_passes_every_check_in_the_local_checks_words(each: Case, version: str) -> None:
    code, doc = replayed(version, each)
    checks = checks_of(doc)
    assert code == 0 and doc["passed"] is True and doc["mode"] == "live", doc
    assert checks["quiz"]["status"] == "pending"
    exercise = load_exercise(each.exercise)
    assert all(checks[spec.id]["status"] == "passed" for spec in exercise.checks if spec.kind != "quiz")
    _as_the_course_says(each, doc)
    dags = exercise.solution_dir / exercise.solution if each.fixture == "solution" else each.dags  # what the deployment has
    _static_checks_in_the_local_words(each, doc, dags)


# A failing case's words are the checks', the same in every version: the oldest and the newest replay them (every
# version's REST shapes are replayed by the passing cases; `make compat` grades them all live).
@pytest.mark.parametrize("version", [list(VERSIONS)[0], list(VERSIONS)[-1]])
@pytest.mark.parametrize("each", FAILING, ids=lambda c: f"{c.exercise}-{c.fixture}")
def test_a_failing_case_deployed_fails_its_criterion_in_the_local_checks_words(each: Case, version: str) -> None:
    """E.g. a URI mismatch fails auto_trigger; an OR consumer fails waits_for_all on the runs the deployment's
    scheduler made early (live mode saw them at its not_triggered step: a fact, not a guess)."""
    code, doc = replayed(version, each)
    assert code == 1 and doc["passed"] is False
    assert criteria_of(doc)[each.fails] == "failed"
    _as_the_course_says(each, doc)
    _static_checks_in_the_local_words(each, doc, each.dags)


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
    asset_readers = [check_id for check_id, reads in reading.items() if "asset_record" in reads]
    assert log_readers and asset_readers
    for check_id in log_readers:
        assert checks[check_id]["status"] == "skipped"
        assert checks[check_id]["message"].startswith("cannot tell in this mode: the deployment did not serve the task log")
    for check_id in asset_readers:
        assert checks[check_id]["status"] == "skipped"
        assert "does not let this user read Assets" in checks[check_id]["message"]
    assert all(checks[spec.id]["status"] == "passed" for spec in exercise.checks  # the runs themselves are seen
               if spec.kind == "dynamic" and spec.id not in log_readers + asset_readers and not set(spec.requires) & set(log_readers + asset_readers))
