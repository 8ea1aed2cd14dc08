"""`exercise grade`: a class folder with good, hanging and crashing submissions; the gradebook an instructor acts on."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import REPO, SUBMISSIONS, class_folder
from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.grading.batch import Gradebook, Row
from exercise_cli.reporters.gradebook import NOTE_CHARS, shorten

ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


def test_batch_records_hangs_and_crashes_without_sinking(tmp_path: Path) -> None:
    folder = class_folder(tmp_path, {"alice": SUBMISSIONS / "passes_classic_operators", "bob": SUBMISSIONS / "fails_producer_hangs",
                                     "carol": SUBMISSIONS / "fails_os_exit_at_import",
                                     "dan.py": SUBMISSIONS / "passes_cron_schedule" / "dags.py"})
    gradebook, book_json = tmp_path / "grades.csv", tmp_path / "grades.json"
    result = CliRunner().invoke(
        app,
        ["grade", str(folder), "--jobs", "2", "--task-timeout", "5", "--csv", str(gradebook), "--json", str(book_json)],
        env=ENV,
    )
    assert result.exit_code == 1, result.output  # all graded, some did not pass
    listed = list(csv.DictReader(gradebook.open()))
    assert [r["submission"] for r in listed] == ["alice", "bob", "carol", "dan.py"]  # by name, whatever finished first
    rows = {r["submission"]: r for r in listed}
    assert rows["alice"]["passed"] == "True" and rows["alice"]["score"] == "5.0"
    assert rows["dan.py"]["passed"] == "True"
    assert all(rows[name][f"{c}_message"] == "" for name in ("alice", "dan.py") for c in ("registered", "scheduled_producer"))
    assert rows["bob"]["passed"] == "False" and rows["bob"]["scheduled_producer"] == "failed"
    assert rows["bob"]["scheduled_producer_message"]  # why, without re-running check
    assert rows["carol"]["passed"] == "False" and rows["carol"]["registered"] == "failed"
    assert rows["carol"]["registered_message"]
    book = json.loads(book_json.read_text())
    assert [r["submission"] for r in book] == ["alice", "bob", "carol", "dan.py"]
    assert book[1]["messages"]["scheduled_producer"] == rows["bob"]["scheduled_producer_message"]
    assert book[0]["messages"] == {}
    assert "4 of 4 submissions graded" in result.output
    table = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") >= 7}
    # the note says what stopped a submission: its first failed criterion's first message, shortened
    assert shorten(rows["carol"]["registered_message"]) in table["carol"]
    assert table["alice"].split("│")[6].strip() == "" and table["bob"].split("│")[6].strip()


def test_grade_exits_0_when_all_passed_and_2_when_some_could_not_be_graded(tmp_path: Path) -> None:
    (tmp_path / "passing").mkdir()
    passing = class_folder(tmp_path / "passing", {"alice": REPO / "solution" / "exercise_5_1"})
    result = CliRunner().invoke(app, ["grade", str(passing), "--jobs", "1", "--task-timeout", "5"], env=ENV)
    assert result.exit_code == 0, result.output

    (tmp_path / "mixed").mkdir()
    mixed = class_folder(tmp_path / "mixed", {"alice": REPO / "solution" / "exercise_5_1"})
    (mixed / "eve").mkdir()
    (mixed / "eve" / "notes.txt").write_text("no DAG here")
    book = tmp_path / "grades.csv"
    result = CliRunner().invoke(app, ["grade", str(mixed), "--jobs", "1", "--task-timeout", "5", "--csv", str(book)], env=ENV)
    assert result.exit_code == 2, result.output
    rows = {r["submission"]: r for r in csv.DictReader(book.open())}
    assert "no .py files" in rows["eve"]["error"] and rows["alice"]["passed"] == "True"
    assert "1 of 2 submissions could not be graded (eve)" in " ".join(result.output.split())


def test_batch_on_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["grade", str(tmp_path)])
    assert result.exit_code == 2 and "no submissions" in result.output


def test_gradebook_files_stay_sorted_and_whole_as_rows_arrive_out_of_order(tmp_path: Path) -> None:
    gradebook, book_json = tmp_path / "grades.csv", tmp_path / "grades.json"
    book = Gradebook(gradebook, book_json)
    book.add(Row("zoe", 1, 5, False, {"registered": "passed", "auto_trigger": "failed"},
                 {"auto_trigger": "=HYPERLINK(\"http://x\") no run (line 3)"}))
    assert [r["submission"] for r in csv.DictReader(gradebook.open())] == ["zoe"]  # kept at once
    book.add(Row("adam", error="no .py files in adam"))
    book.add(Row("mia", 5, 5, True, {"registered": "passed"}))
    assert [r["submission"] for r in csv.DictReader(gradebook.open())] == ["adam", "mia", "zoe"]
    assert [r["submission"] for r in json.loads(book_json.read_text())] == ["adam", "mia", "zoe"]
    zoe = next(r for r in csv.DictReader(gradebook.open()) if r["submission"] == "zoe")
    assert zoe["auto_trigger_message"].startswith("'=HYPERLINK")  # a message is neutralised like any text cell
    assert zoe["registered_message"] == ""
    assert list(csv.reader(gradebook.open()))[0][4:6] == ["registered", "registered_message"]


def test_note_is_the_error_or_the_first_failed_message_shortened() -> None:
    assert Row("a", error="boom", messages={"registered": "x"}).note == "boom"
    assert Row("b", messages={"registered": "first", "auto_trigger": "second"}).note == "first"
    assert Row("c").note == ""
    long = "word " * 40
    assert len(shorten(long)) == NOTE_CHARS and shorten(long).endswith("…")
    assert shorten("two\nlines") == "two lines"


def test_grade_help_documents_its_exit_codes() -> None:
    help_text = " ".join(CliRunner().invoke(app, ["grade", "--help"], env=ENV).output.split())
    assert "Exit 0: all graded and passed; 1: all graded, some did not pass; 2: some could not be graded" in help_text


def test_grade_takes_the_exercise_and_its_criteria_make_the_columns(tmp_path: Path) -> None:
    fixtures = REPO / "tests" / "submissions" / "exercise_5_2"
    folder = class_folder(tmp_path, {"ann": REPO / "solution" / "exercise_5_2", "ben": fixtures / "fails_or_operator"})
    gradebook = tmp_path / "grades.csv"
    result = CliRunner().invoke(app, ["grade", str(folder), "--exercise", "5.2", "--jobs", "2", "--csv", str(gradebook)], env=ENV)
    assert result.exit_code == 1, result.output
    rows = {r["submission"]: r for r in csv.DictReader(gradebook.open())}
    assert rows["ann"]["passed"] == "True" and rows["ann"]["score"] == "5.0"
    assert rows["ben"]["waits_for_all"] == "failed" and "exercise_5_2_analytics_consumer" in rows["ben"]["waits_for_all_message"]
    assert "registered" not in rows["ann"]  # 5.1's criteria are not 5.2's columns
