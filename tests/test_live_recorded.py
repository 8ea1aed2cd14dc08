"""`check --live` against REST answers recorded from real Airflow 3.0, 3.1, 3.2 and 3.3 deployments
(`make compat RECORD=1` records them; compat/recording.py replays them over HTTP).

The deployment's DAG files go through the same sandboxed parse child and the same checks as a
local file: where the facts are the same, so are the messages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import REPO, graded, submission
from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.course import load_exercise

sys.path.insert(0, str(REPO))
from compat.recording import ReplayServer  # noqa: E402

RECORDED = Path(__file__).parent / "live" / "recorded"
VERSIONS = ("3.0.6", "3.1.8", "3.2.2", "3.3.2")


def replayed(version: str, fixture: str, recording: Path | None = None) -> tuple[int, dict]:
    with ReplayServer(recording or RECORDED / version / f"{fixture}.json") as server:
        result = CliRunner().invoke(app, ["check", "--live", server.url, "--username", "admin", "--password", "recorded",
                                          "--json", "--wait", "30"], env={"COLUMNS": "100"})
    assert server.unrecorded == [], f"requests the recording of {version} does not hold"
    assert server.airflow == version
    return result.exit_code, json.loads(result.stdout)


def checks_of(doc: dict) -> dict[str, dict]:
    return {check["id"]: check for criterion in doc["criteria"] for check in criterion["checks"]}


def test_every_version_was_recorded() -> None:
    for version in VERSIONS:
        for fixture in ("solution", "fails_uri_mismatch"):
            assert (RECORDED / version / f"{fixture}.json").is_file(), f"{version}/{fixture}: run `make compat RECORD=1`"


@pytest.mark.parametrize("version", VERSIONS)
def test_the_solution_deployed_passes_every_check_in_the_local_checks_words(version: str) -> None:
    code, doc = replayed(version, "solution")
    checks = checks_of(doc)
    assert code == 0 and doc["passed"] is True and doc["mode"] == "live", doc
    assert "asset_triggered" in checks["consumer_triggered"]["message"]
    assert checks["consumer_message"]["message"] == "task consume_data printed 'Data is available for processing!'"
    assert checks["quiz"]["status"] == "pending"
    local = graded(str(load_exercise().solution_dir / load_exercise().solution), static=True)  # the one file the deployment has
    for spec in load_exercise().checks:
        if spec.kind == "static":
            mine = local.check(spec.id)
            assert (checks[spec.id]["status"], checks[spec.id]["message"], checks[spec.id]["line"]) == (
                mine.status, mine.message, mine.line), spec.id


@pytest.mark.parametrize("version", VERSIONS)
def test_a_uri_mismatch_deployed_fails_auto_trigger_with_the_local_checks_words(version: str) -> None:
    code, doc = replayed(version, "fails_uri_mismatch")
    live = checks_of(doc)
    assert code == 1
    assert {c["id"]: c["status"] for c in doc["criteria"]}["auto_trigger"] == "failed"
    assert live["consumer_triggered"]["status"] == "skipped"  # the schedule check's failure is the cause, reported once
    assert live["producer_run"]["status"] == "passed" and live["asset_event"]["status"] == "passed"
    local = graded(submission("fails_uri_mismatch"), static=True).check("consumer_schedule")
    assert live["consumer_schedule"]["status"] == local.status == "failed"
    assert live["consumer_schedule"]["message"] == local.message
    assert live["consumer_schedule"]["line"] == local.line and live["consumer_schedule"]["file"].endswith("dags.py")


def test_a_fact_the_deployment_withholds_skips_the_checks_that_read_it(tmp_path: Path) -> None:
    """Task logs not served (404) and Assets forbidden (403): those checks say they cannot tell, not that you failed."""
    doc = json.loads((RECORDED / "3.3.2" / "solution.json").read_text(encoding="utf-8"))
    for exchange in doc["exchanges"]:
        if "/logs/" in exchange["path"]:
            exchange.update(status=404, body={"detail": "log not found"})
        if exchange["path"] == "/api/v2/assets":
            exchange.update(status=403, body={"detail": "Forbidden"})
    recording = tmp_path / "withheld.json"
    recording.write_text(json.dumps(doc), encoding="utf-8")
    code, report = replayed("3.3.2", "solution", recording)
    checks = checks_of(report)
    assert code == 1 and report["passed"] is False
    for check_id in ("processing_timestamp", "consumer_message", "consumer_names_asset"):
        assert checks[check_id]["status"] == "skipped"
        assert checks[check_id]["message"].startswith("cannot tell in this mode: the deployment did not serve the task log")
    assert checks["asset_registered"]["status"] == "skipped"
    assert "does not let this user read Assets" in checks["asset_registered"]["message"]
    assert checks["producer_run"]["status"] == checks["consumer_run"]["status"] == "passed"
