"""Tutor commands: hint, quiz, reset, solution; CI formats; watch."""

from __future__ import annotations

import json
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from conftest import submission
from exercise_cli.app import app
from exercise_cli.course import load_exercise
from exercise_cli.tutor.hints import statement_hints
from exercise_cli.tutor.quiz import load_quiz

ENV = {"COLUMNS": "100", "NO_COLOR": "1"}
RIGHT = ",".join("abc"[q.answer] for q in load_quiz(load_exercise())[0])


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), env=ENV, input=input)


def test_hints_come_from_the_statement_one_at_a_time(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    assert len(statement_hints(load_exercise())) == 4
    first = run("hint", "--dags", str(dags))
    assert first.exit_code == 0 and "Hint 1: Defining the Asset (1/4)" in first.output
    second = run("hint", "--dags", str(dags))
    assert "Hint 2: Producer task with outlets (2/4)" in second.output
    again = run("hint", "1", "--dags", str(dags))
    assert "Hint 1" in again.output
    assert json.loads((dags / ".exercise-state.json").read_text())["progress"]["5.1"]["hints_seen"] == 2
    assert run("hint", "9", "--dags", str(dags)).exit_code == 2


def test_quiz_pass_is_remembered_and_meets_understanding(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    assert run("init", str(dags)).exit_code == 0
    wrong = run("quiz", "--answers", "a,a,a,b,a", "--dags", str(dags))
    assert wrong.exit_code == 1 and "NOT YET" in wrong.output
    passed = run("quiz", "--answers", RIGHT, "--dags", str(dags))
    assert passed.exit_code == 0 and "PASSED 5/5" in passed.output
    result = run("check", str(dags), "--static", "--json")
    criteria = {c["id"]: c for c in json.loads(result.stdout)["criteria"]}
    assert criteria["understanding"]["status"] == "passed"


def test_quiz_interactive_prompts(tmp_path: Path) -> None:
    answers = "\n".join("abc"[q.answer] for q in load_quiz(load_exercise())[0]) + "\n"
    result = run("quiz", "--dags", str(tmp_path / "dags"), input=answers)
    assert result.exit_code == 0, result.output
    assert "1. What does outlets=[processed_data]" in result.output


def test_quiz_rejects_malformed_answers(tmp_path: Path) -> None:
    result = run("quiz", "--answers", "a,b", "--dags", str(tmp_path / "dags"))
    assert result.exit_code == 2 and "give 5 answers" in result.output


def test_reset_backs_up_and_restores(tmp_path: Path) -> None:
    target = tmp_path / load_exercise().starter
    target.write_text("# my attempt\n")
    refused = run("reset", str(tmp_path), input="n\n")
    assert refused.exit_code != 0 and target.read_text() == "# my attempt\n"
    result = run("reset", str(tmp_path), "--yes")
    assert result.exit_code == 0
    assert target.read_text() == load_exercise().starter_path.read_text()
    assert [p.read_text() for p in tmp_path.glob("*.bak")] == ["# my attempt\n"]


def test_solution_opens_after_a_passing_check_or_with_force(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    locked = run("solution", "--dags", str(dags))
    assert locked.exit_code == 1 and "opens once" in locked.output
    forced = run("solution", "--dags", str(dags), "--force")
    assert forced.exit_code == 0 and "exercise_5_1_consumer" in forced.output
    dags.mkdir()
    (dags / ".exercise-state.json").write_text(json.dumps({"last_check_passed": True}))
    assert run("solution", "--dags", str(dags)).exit_code == 0


def test_junit_and_gradescope_files(tmp_path: Path) -> None:
    junit, gradescope = tmp_path / "r.xml", tmp_path / "results.json"
    result = run("check", submission("fails_wrong_tags"), "--static", "--junit", str(junit),
                 "--gradescope", str(gradescope), "--weight", "registered=2")
    assert result.exit_code == 1
    root = ET.parse(junit).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == len(load_exercise().checks)
    failures = root.findall(".//failure")
    assert any("module-5" in f.get("message", "") for f in failures)
    doc = json.loads(gradescope.read_text())
    assert sum(t["max_score"] for t in doc["tests"]) == 6.0  # five counted criteria, registered weighted 2
    names = [t["name"] for t in doc["tests"]]
    assert "Both DAGs are registered and visible in the UI" in names
    registered = next(t for t in doc["tests"] if t["name"].startswith("Both DAGs are registered"))
    assert registered["score"] == 0 and registered["max_score"] == 2.0
    assert "NOT YET" in result.output and "static check" in result.output


def test_bad_weight_is_a_usage_error() -> None:
    result = run("check", submission("passes_cron_schedule"), "--static", "--weight", "nope=1")
    assert result.exit_code == 2 and "--weight" in result.output


def test_watch_rechecks_on_save(tmp_path: Path) -> None:
    from exercise_cli.tutor.watch import watch_and_check

    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "a.py").write_text("x = 1\n")
    calls: list[float] = []
    stop = threading.Event()

    def check() -> None:
        calls.append(time.monotonic())

    thread = threading.Thread(target=watch_and_check, args=(dags, check, stop), daemon=True)
    thread.start()
    time.sleep(1.0)
    (dags / "notes.txt").write_text("ignored\n")
    time.sleep(1.0)
    assert len(calls) == 1
    (dags / "a.py").write_text("x = 2\n")
    deadline = time.monotonic() + 10
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    thread.join(timeout=5)
    assert len(calls) == 2


def test_once_passed_is_passed_and_a_failed_quiz_shows(tmp_path: Path) -> None:
    from exercise_cli.tutor.state import record_verdict

    dags = tmp_path / "dags-5.2"
    assert run("init", str(dags), "--exercise", "5.2").exit_code == 0
    assert record_verdict(dags, True, exercise="5.2") and record_verdict(dags, False, exercise="5.2")
    listed = run("list", "--dags", str(dags))
    assert "passed (last check failed)" in listed.output, listed.output
    assert run("solution", "--dags", str(dags), "--plain").exit_code == 0  # it stays open
    wrong = ",".join("abc"[(q.answer + 1) % len(q.choices)] for q in load_quiz(load_exercise("5.2"))[0])
    assert run("quiz", "--answers", wrong, "--dags", str(dags)).exit_code == 1
    listed = CliRunner().invoke(app, ["list", "--dags", str(dags)], env={**ENV, "COLUMNS": "250"}).output
    assert "passed (last check failed), quiz not passed yet (0/5)" in listed, listed


def test_watch_rechecks_a_save_made_during_the_first_check(tmp_path: Path) -> None:
    """The save lands while the first check runs, before the watcher has started."""
    from exercise_cli.tutor.watch import watch_and_check

    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "a.py").write_text("x = 1\n")
    calls: list[float] = []
    stop = threading.Event()

    def check() -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            (dags / "a.py").write_text("x = 22\n")
            time.sleep(0.5)

    thread = threading.Thread(target=watch_and_check, args=(dags, check, stop), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # and only once: nothing changed since
    stop.set()
    thread.join(timeout=5)
    assert len(calls) == 2
