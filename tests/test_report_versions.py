"""The results JSON carries a `version`; `exercise report` reads the older files and refuses a newer one in one line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.results import REPORT_VERSION, report_from_dict

ENV = {"COLUMNS": "100", "NO_COLOR": "1"}

# What `check --json` wrote before exercises had ids in a course (no version, no counts, no titles).
VERSION_1 = {
    "exercise": "5.1", "mode": "static", "passed": False, "isolation": "sandbox",
    "criteria": [
        {"id": "registered", "title": "Both DAGs are registered and visible in the UI", "status": "failed",
         "checks": [{"id": "dag_ids", "status": "failed", "message": "missing DAG id(s) exercise_5_1_consumer",
                     "hint": "", "file": "dags/x.py", "line": 3}]},
        {"id": "understanding", "title": "You understand the producer/consumer pattern", "status": "pending",
         "checks": [{"id": "quiz", "status": "pending", "message": "take the quiz"}]},
    ],
}


def test_a_new_report_says_its_version() -> None:
    report = report_from_dict(VERSION_1)
    assert report.to_dict()["version"] == REPORT_VERSION == 2


def test_a_version_1_report_is_read_with_the_meaning_it_had(tmp_path: Path) -> None:
    report = report_from_dict(VERSION_1)
    assert [c.counts for c in report.criteria] == [True, False]  # the quiz criterion never counted
    assert report.isolation == "namespaces"  # "sandbox" then meant the namespace tier
    assert report.check("dag_ids").title.startswith("DAG ids")  # titles filled from the course
    path = tmp_path / "old.json"
    path.write_text(json.dumps(VERSION_1))
    result = CliRunner().invoke(app, ["report", str(path)], env=ENV)
    assert result.exit_code == 1 and "missing DAG id(s) exercise_5_1_consumer" in result.output


def test_a_report_from_a_newer_exercise_is_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.write_text(json.dumps({**VERSION_1, "version": REPORT_VERSION + 1}))
    result = CliRunner().invoke(app, ["report", str(path)], env=ENV)
    assert result.exit_code == 2
    assert "version 3 report, written by a newer `exercise`" in result.output
    assert result.output.strip().count("\n") == 0


def test_a_report_of_another_exercise_renders_with_its_own_titles(tmp_path: Path) -> None:
    doc = {**VERSION_1, "version": 2, "exercise": "5.2", "title": "",
           "criteria": [{"id": "waits_for_all", "title": "The consumer does NOT run until all three Assets are updated",
                         "status": "failed", "counts": True,
                         "checks": [{"id": "waits_for_all_assets", "status": "failed", "message": "ran early"}]}]}
    report = report_from_dict(doc)
    assert report.title == "Exercise 5.2: Multi-Asset Dependencies"
    assert report.check("waits_for_all_assets").title.startswith("With only orders and products updated")
