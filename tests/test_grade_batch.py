"""`exercise grade`: a class folder with good, hanging and crashing submissions; the gradebook an instructor acts on."""

from __future__ import annotations

import csv
import json
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SUBMISSIONS, class_folder
from procs import cli_env, descendants, jobs_of, start, tmpdir_of_its_own, wait_for  # noqa: F401 - a fixture
from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.course import load_course
from exercise_cli.dev import check as dev
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


@pytest.mark.parametrize("exercise", load_course().exercises(), ids=lambda e: e.id)
def test_grade_takes_the_exercise_and_its_criteria_make_the_columns(exercise, tmp_path: Path) -> None:
    """`grade --exercise ID`: its solution gets every counted criterion, its starter fails at the first, and
    the gradebook's columns are that exercise's criteria, no other's."""
    folder = class_folder(tmp_path, {"ann": exercise.solution_dir, "ben": dev.todo_path(exercise)[0]})
    gradebook = tmp_path / "grades.csv"
    result = CliRunner().invoke(app, ["grade", str(folder), "--exercise", exercise.id, "--jobs", "2", "--csv", str(gradebook)], env=ENV)
    assert result.exit_code == 1, result.output
    rows = {r["submission"]: r for r in csv.DictReader(gradebook.open())}
    counted = [c.id for c in exercise.criteria if c.counts]
    assert rows["ann"]["passed"] == "True" and float(rows["ann"]["score"]) == len(counted), rows["ann"]
    assert rows["ben"]["passed"] == "False" and rows["ben"][counted[0]] == "failed"
    others = {c.id for e in load_course().exercises() for c in e.criteria} - {c.id for c in exercise.criteria}
    assert not others & set(rows["ann"]), others & set(rows["ann"])


def test_every_entry_of_a_class_folder_is_graded_or_named(tmp_path: Path) -> None:
    """A zip holding a submission is graded from inside it (unpacked elsewhere); a zip reaching outside
    itself, a wrong extension and a stray file are "not graded" rows saying why; hidden entries are named."""
    folder = class_folder(tmp_path, {"alice.py": SUBMISSIONS / "passes_cron_schedule" / "dags.py",
                                     "dave.PY": SUBMISSIONS / "passes_cron_schedule" / "dags.py",
                                     "erin.py.txt": SUBMISSIONS / "passes_cron_schedule" / "dags.py"})
    with zipfile.ZipFile(folder / "bob.zip", "w") as z:
        z.write(SUBMISSIONS / "passes_cron_schedule" / "dags.py", "bob/dags/dags.py")
    with zipfile.ZipFile(folder / "carol.zip", "w") as z:
        z.writestr("../../escaped.py", "x = 1\n")
    (folder / "frank.md").write_text("my notes")
    (folder / ".DS_Store").write_bytes(b"\0")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    book = tmp_path / "grades.csv"
    result = CliRunner().invoke(app, ["grade", str(folder), "--static", "--jobs", "2", "--csv", str(book)], env=ENV)
    assert result.exit_code == 2, result.output
    rows = {r["submission"]: r for r in csv.DictReader(book.open())}
    assert sorted(rows) == ["alice.py", "bob.zip", "carol.zip", "dave.PY", "erin.py.txt", "frank.md"]
    assert rows["alice.py"]["passed"] == rows["bob.zip"]["passed"] == "True"
    assert "names a path outside it" in rows["carol.zip"]["error"] and "unpack it" in rows["carol.zip"]["error"]
    assert "rename it to end in .py" in rows["dave.PY"]["error"] and ".PY" in rows["dave.PY"]["error"]
    assert "rename it to end in .py" in rows["erin.py.txt"]["error"]
    assert "one subfolder, .py file or .zip file per learner" in rows["frank.md"]["error"]
    assert "unpack it" in shorten(rows["carol.zip"]["error"]) and "rename it" in shorten(rows["dave.PY"]["error"])
    output = " ".join(result.output.split())
    assert "2 of 6 submissions graded, 4 not graded" in output
    assert "left alone: 1 hidden entry (.DS_Store)" in output
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted([*before, "grades.csv"])  # nothing unpacked here


def test_a_warm_process_killed_mid_grade_costs_no_grade(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    """The measured fault: `grade --jobs 2 --timeout 60`, the warm process SIGKILLed while both submissions
    are under way. Both are graded again in a new warm process and pass, well before the timeout."""
    folder = class_folder(tmp_path, {name: REPO / "solution" / "exercise_5_1" for name in ("alice", "bob")})
    book = tmp_path / "grades.csv"
    proc = start(["grade", str(folder), "--jobs", "2", "--timeout", "60", "--csv", str(book)], cli_env(tmpdir_of_its_own))

    def warm_process_with_two_children() -> int | None:
        if len(list(tmpdir_of_its_own.glob("exercise-check-*"))) < 2:
            return None
        for pid in descendants(proc.pid):
            try:
                if b"grading_process.server" in Path(f"/proc/{pid}/cmdline").read_bytes() and len(jobs_of(pid)) == 2:
                    return pid
            except OSError:
                continue
        return None

    found: list[int] = []

    def under_way() -> bool:  # killed as soon as both are under way: a warm check takes only a few seconds
        pid = warm_process_with_two_children()
        if pid is not None:
            found.append(pid)
        return pid is not None

    wait_for(under_way, timeout=120, what="two submissions under way in the warm process")
    os.kill(found[0], signal.SIGKILL)
    killed = time.monotonic()
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, out + err  # both graded, both passed
    rows = list(csv.DictReader(book.open()))
    assert [(r["submission"], r["passed"], r["score"]) for r in rows] == [("alice", "True", "5.0"), ("bob", "True", "5.0")]
    assert time.monotonic() - killed < 60  # not a wait for the timeout


def test_a_zipped_submission_is_unpacked_within_bounds_and_never_beside_it(tmp_path: Path, monkeypatch) -> None:
    import stat as stat_module

    import pytest

    from exercise_cli.errors import UsageError
    from exercise_cli.grading import zipped

    source = (SUBMISSIONS / "passes_cron_schedule" / "dags.py").read_bytes()

    def archive(name: str, members: dict[str, bytes], link: str | None = None) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for member, data in members.items():
                z.writestr(member, data)
            if link:
                info = zipfile.ZipInfo(link)
                info.external_attr = (stat_module.S_IFLNK | 0o777) << 16
                z.writestr(info, "/etc/passwd")
        return path

    with zipped.unpacked(archive("ok.zip", {"__MACOSX/._dags.py": b"\0", "nested/dags/dags.py": source}, link="dags/x.py")) as files:
        unpacked_at = files.root
        assert files.display_root == "ok.zip" and [f.name for f in files.files] == ["dags.py"]  # the link was never made
        assert not any(p.is_symlink() for p in unpacked_at.rglob("*"))
        assert tmp_path not in unpacked_at.parents
    assert not unpacked_at.exists()

    def refused(path: Path, *words: str) -> None:
        with pytest.raises(UsageError) as why:
            with zipped.unpacked(path):
                pass
        assert str(why.value).startswith("unpack it") and all(w in str(why.value) for w in words), why.value

    refused(archive("up.zip", {"../../up.py": source}), "outside it")
    refused(archive("abs.zip", {"/etc/cron.d/x.py": source}), "outside it")
    (tmp_path / "fake.zip").write_bytes(b"not a zip")
    refused(tmp_path / "fake.zip", "cannot be read as a zip")
    monkeypatch.setattr(zipped, "MAX_MEMBERS", 3)
    refused(archive("many.zip", {f"d{i}.py": source for i in range(4)}), "4 entries", "at most 3")
    monkeypatch.setattr(zipped, "MAX_UNPACKED", 10_000)
    refused(archive("bomb.zip", {"dags.py": source + b"#" * 20_000}), "unpacks to more than")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abs.zip", "bomb.zip", "fake.zip", "many.zip", "ok.zip", "up.zip"]
