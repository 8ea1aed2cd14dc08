"""`exercise grade`: a class folder with good, hanging and crashing submissions."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import SUBMISSIONS, class_folder
from typer.testing import CliRunner

from exercise_cli.app import app


def test_batch_records_hangs_and_crashes_without_sinking(tmp_path: Path) -> None:
    folder = class_folder(tmp_path, {"alice": SUBMISSIONS / "passes_classic_operators", "bob": SUBMISSIONS / "fails_producer_hangs",
                                     "carol": SUBMISSIONS / "fails_os_exit_at_import",
                                     "dan.py": SUBMISSIONS / "passes_cron_schedule" / "dags.py"})
    gradebook, book_json = tmp_path / "grades.csv", tmp_path / "grades.json"
    result = CliRunner().invoke(
        app,
        ["grade", str(folder), "--jobs", "2", "--task-timeout", "5", "--csv", str(gradebook), "--json", str(book_json)],
        env={"COLUMNS": "120", "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    rows = {r["submission"]: r for r in csv.DictReader(gradebook.open())}
    assert set(rows) == {"alice", "bob", "carol", "dan.py"}
    assert rows["alice"]["passed"] == "True" and rows["alice"]["score"] == "5.0"
    assert rows["dan.py"]["passed"] == "True"
    assert rows["bob"]["passed"] == "False" and rows["bob"]["scheduled_producer"] == "failed"
    assert rows["carol"]["passed"] == "False" and rows["carol"]["registered"] == "failed"
    assert len(json.loads(book_json.read_text())) == 4
    assert "4 of 4 submissions graded" in result.output


def test_batch_on_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["grade", str(tmp_path)])
    assert result.exit_code == 2 and "no submissions" in result.output
