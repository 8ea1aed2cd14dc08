"""The learner's loop: feedback after every step, one cause reported once, output that reads well
in a real terminal, gates that hold, progress kept with the learner."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, graded, submission
from exercise_cli.app import app
from exercise_cli.course import load_course, load_exercise
from exercise_cli.errors import EnvironmentProblem
from exercise_cli.grading.grader import grade
from exercise_cli.tutor.quiz import load_quiz

ENV = {"COLUMNS": "100", "NO_COLOR": "1"}
EXERCISE = str(Path(sys.executable).parent / "exercise")
SOLUTION_FILE = REPO / "solution" / "exercise_5_1" / "exercise_5_1_producer_consumer.py"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
# What may stand at column 0 of the checklist: the rule, the mode line, a criterion's mark, the verdict, the footer.
_COLUMN_0 = ("─", "✔", "✘", "○", "…", "static checks only", "run by a real Airflow", "graded on", "PASSED", "NOT YET",
             "STATIC CHECKS PASS", "Stuck?", "Next:", "Then:", "Isolation:")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), env=ENV, input=input)


def in_terminal(args: list[str], columns: int, cwd: Path | None = None, typed: str = "") -> list[str]:
    """The screen lines of a command run in a real pseudo-terminal `columns` wide (ANSI codes removed).

    `typed` is what the user types (the terminal holds it until the command reads it)."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([EXERCISE, *args], stdin=follower, stdout=follower, stderr=subprocess.DEVNULL,
                            cwd=cwd, env=env, close_fds=True)
    os.close(follower)
    if typed:
        os.write(leader, typed.encode())
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the pty closes when the command ends
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    text = _ANSI.sub("", b"".join(chunks).decode("utf-8", errors="replace"))
    # a line redrawn in place (a spinner's status line, then what replaces it) shows what follows its last \r
    return [line.rsplit("\r", 1)[-1].rstrip() for line in text.replace("\r\n", "\n").split("\n")]


@pytest.mark.parametrize("columns", [80, 100])
def test_wrapped_messages_keep_their_indentation_in_a_real_terminal(columns: int) -> None:
    lines = in_terminal(["check", submission("fails_uri_mismatch")], columns)
    shown = [line for line in lines if line.strip()]
    assert any(line.startswith("NOT YET") for line in shown), shown
    for line in shown:
        assert len(line) <= columns, line
        if not line.startswith(" "):
            assert line.startswith(_COLUMN_0), f"a message wrapped to column 0 at {columns} columns: {line!r}"
    assert any("the URIs differ" in line for line in shown)


def test_the_untouched_starter_fits_a_screen_and_names_the_next_step() -> None:
    lines = [line for line in in_terminal(["check", str(load_exercise().starter_path), "--static"], 100) if line.strip()]
    assert len(lines) <= 36, "\n".join(lines)
    text = " ".join(line.strip() for line in lines)  # wrapped messages read as one
    assert "start with the first TODO" in text and "checks not run yet" in text
    verbose = run("check", str(load_exercise().starter_path), "--static", "--verbose")
    for check in load_exercise().checks:
        assert check.title[:40] in verbose.output  # every row, waiting ones too


def test_a_static_run_ends_with_its_own_verdict_words() -> None:
    result = run("check", submission("passes_cron_schedule"), "--static")
    assert result.exit_code == 0
    assert "STATIC CHECKS PASS" in result.output and "run `exercise check` for the rest" in result.output
    assert not re.search(r"score \d", result.output)


def test_each_finished_step_shows_in_the_checklist(tmp_path: Path) -> None:
    """The starter, the starter with its Asset defined, and a producer-only file: each its credit and next step."""
    solution = SOLUTION_FILE.read_text()
    asset_done = load_exercise().starter_path.read_text().replace("# processed_data = Asset(...)",
                                                     'processed_data = Asset("s3://data-lake/processed_data")')
    producer_only = solution[: solution.index('@dag(\n    dag_id="exercise_5_1_consumer"')] + "\ndata_producer()\n"
    reports = {}
    for name, text in (("starter", load_exercise().starter_path.read_text()), ("asset", asset_done), ("producer", producer_only)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "dags.py").write_text(text)
        reports[name] = graded(str(folder), static=False)
    starter, asset = reports["starter"].check("dag_ids"), reports["asset"].check("dag_ids")
    assert "start with the first TODO" in starter.message and starter.line == 14
    assert "the Asset is defined (line 15)" in asset.message and asset.line == 18  # TODO 2
    producer = {c.id: c.status for cr in reports["producer"].criteria for c in cr.checks}
    for check_id in ("producer_schedule", "producer_outlet", "producer_run", "asset_event", "processing_timestamp"):
        assert producer[check_id] == "passed", check_id
    assert producer["consumer_schedule"] == "skipped"


def test_a_near_miss_id_fails_only_the_id_check() -> None:
    report = graded(submission("fails_near_miss_dag_id"), static=False)
    failed = [c.id for cr in report.criteria for c in cr.checks if c.status == "failed"]
    assert failed == ["dag_ids"]


def test_a_file_that_does_not_import_is_reported_once() -> None:
    report = graded(submission("fails_import_airflow2_datasets"), static=True)
    statuses = {c.id: c for cr in report.criteria for c in cr.checks}
    assert statuses["files_import"].status == "failed" and "from airflow.sdk import Asset" in statuses["files_import"].hint
    assert [c for c in statuses.values() if c.status == "failed"] == [statuses["files_import"]]
    assert statuses["airflow3_imports"].status == "skipped" and statuses["dag_ids"].status == "skipped"
    syntax = graded(submission("fails_syntax_error"), static=True)
    assert syntax.check("airflow3_imports").status == "skipped"  # never ✔ on a file that does not parse


def test_a_file_that_is_not_utf8_gets_file_line_and_encoding() -> None:
    result = graded(submission("fails_not_utf8"), static=True).check("files_import")
    assert result.status == "failed" and "not UTF-8: byte 0xe9 on line 4" in result.message
    assert result.file and result.file.endswith("fails_not_utf8/dags.py") and result.line == 4


def test_a_folder_without_dag_files_says_so(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"util{i}.py").write_text(f"VALUE = {i}\n")
    result = graded(str(tmp_path), static=True).check("dag_ids")
    assert result.status == "failed" and "none of the 3 .py files defines a DAG" in result.message
    assert "exercise init" in result.hint


def test_the_message_check_shows_the_closest_line() -> None:
    result = graded(submission("fails_consumer_misspells_message"), static=False).check("consumer_message")
    assert result.status == "failed" and "'Data is avaliable for procesing'" in result.message


def test_a_timeout_before_the_learners_code_ran_is_the_graders() -> None:
    """No learner code ran yet: that is the grader failing (exit 2, one line), never a failed check."""
    with pytest.raises(EnvironmentProblem) as stopped:
        grade(str(load_exercise().solution_dir), static=True, timeout=0.3)  # Airflow takes longer to import
    assert "timed out after 0.3 s while importing Airflow" in str(stopped.value)
    assert "nothing was graded" in str(stopped.value) and "--timeout" in str(stopped.value)


def test_show_folds_every_hint_to_its_title() -> None:
    result = run("show")
    assert result.exit_code == 0
    assert "Hint 1: Defining the Asset" in result.output and "exercise hint 1" in result.output
    assert "Both DAGs must reference the SAME Asset" not in result.output  # hint 1's body


def test_solution_prints_the_file_exactly(tmp_path: Path) -> None:
    result = run("solution", "--force", "--plain", "--dags", str(tmp_path))
    assert result.exit_code == 0 and result.output == SOLUTION_FILE.read_text()


def test_the_quiz_shows_the_right_answer_and_takes_either_case(tmp_path: Path) -> None:
    questions = load_quiz(load_exercise())[0]
    wrong = ",".join("abc"[(q.answer + 1) % len(q.choices)] for q in questions)
    result = run("quiz", "--answers", wrong, "--dags", str(tmp_path))
    first = questions[0]
    assert f"the answer is {'abc'[first.answer]})" in result.output and first.why[:40] in result.output
    upper = "\n".join("ABC"[q.answer] for q in questions) + "\n"
    assert run("quiz", "--dags", str(tmp_path), input=upper).exit_code == 0


def test_reset_folds_the_hints_again(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    assert run("init", str(dags)).exit_code == 0
    run("hint", "--dags", str(dags))
    run("hint", "--dags", str(dags))
    assert run("reset", str(dags), "--yes").exit_code == 0
    assert json.loads((dags / ".exercise-state.json").read_text())["progress"]["5.1"]["hints_seen"] == 0
    assert "Hint 1:" in run("hint", "--dags", str(dags)).output


def test_progress_is_kept_only_in_the_learners_own_folder(tmp_path: Path) -> None:
    graded_folder = tmp_path / "class" / "alice"
    shutil.copytree(load_exercise().solution_dir, graded_folder)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert run("check", str(graded_folder)).exit_code == 0
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written there, nor beside it
    mine = tmp_path / "dags"
    assert run("init", str(mine)).exit_code == 0
    shutil.copy(SOLUTION_FILE, mine / load_exercise().starter)
    passed = run("check", str(mine))
    assert passed.exit_code == 0
    assert json.loads((mine / ".exercise-state.json").read_text())["progress"]["5.1"]["last_check_passed"] is True
    assert "exercise quiz" in passed.output and "exercise solution" in passed.output
    assert run("solution", "--dags", str(mine), "--plain").exit_code == 0


def test_a_pass_seen_in_watch_is_recorded(tmp_path: Path) -> None:
    mine = tmp_path / "dags"
    assert run("init", str(mine)).exit_code == 0
    shutil.copy(SOLUTION_FILE, mine / load_exercise().starter)
    proc = subprocess.Popen([EXERCISE, "watch", str(mine)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}, start_new_session=True)
    state = mine / ".exercise-state.json"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and not json.loads(state.read_text()).get("progress", {}).get("5.1", {}).get("last_check_passed"):
            time.sleep(0.3)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
    assert json.loads(state.read_text())["progress"]["5.1"]["last_check_passed"] is True


@pytest.mark.parametrize("exercise", load_course().exercises(), ids=lambda e: e.id)
def test_watch_grades_the_exercise_the_folder_is_for(exercise, tmp_path: Path) -> None:
    """A folder `init --exercise ID` made: watch needs no --exercise, grades that exercise in full and records
    the pass under its id alone."""
    mine = tmp_path / "dags"
    assert run("init", str(mine), "--exercise", exercise.id).exit_code == 0
    shutil.copy(exercise.solution_dir / exercise.solution, mine / exercise.starter)
    proc = subprocess.Popen([EXERCISE, "watch", str(mine)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}, start_new_session=True)
    state = mine / ".exercise-state.json"
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline and not json.loads(state.read_text())["progress"].get(exercise.id, {}).get("last_check_passed"):
            time.sleep(0.3)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        output = proc.communicate(timeout=30)[0].decode()
    progress = json.loads(state.read_text())["progress"]
    assert progress[exercise.id]["last_check_passed"] is True, output[-2000:]
    assert list(progress) == [exercise.id]
    assert exercise.title in output


def test_the_reset_prompt_fits_on_its_line(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    assert run("init", str(dags)).exit_code == 0
    lines = in_terminal(["reset", str(dags)], 80, typed="n\n")
    prompt = next(line for line in lines if "Reset?" in line)
    assert prompt.rstrip().endswith("[y/N]: n") or prompt.rstrip().endswith("[y/N]:"), lines
    assert (dags / load_exercise().starter).read_text() == load_exercise().starter_path.read_text()  # nothing replaced
