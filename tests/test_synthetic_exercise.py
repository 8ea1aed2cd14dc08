"""A small exercise defined only in test data (tests/synthetic_course/: one producer, two consumers, a
check of its own) grades end to end, through the CLI and the grading process, with no change
outside its data: the machinery names no exercise."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import TESTS

from exercise_cli.course import COURSE_ENV, load_course

COURSE = TESTS / "synthetic_course" / "course.toml"
SOLUTION = TESTS / "synthetic_course" / "solution" / "fan_out"
STARTER = TESTS / "synthetic_course" / "starter" / "fan_out" / "fan_out_starter.py"
OTHER_ASSET = TESTS / "synthetic_course" / "submissions" / "fan_out" / "fails_second_consumer_on_other_asset"


def _check(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "100"}
    env.pop(COURSE_ENV, None)
    return subprocess.run([sys.executable, "-m", "exercise_cli", "--course", str(COURSE), *args],
                          capture_output=True, text=True, env=env, timeout=300)


def _statuses(doc: dict) -> dict[str, tuple[str, str]]:
    return {c["id"]: (c["status"], c["message"]) for cr in doc["criteria"] for c in cr["checks"]}


def test_the_course_file_lists_its_exercise() -> None:
    course = load_course(COURSE)
    assert course.exercise_ids == ("9.1",)
    exercise = course.exercise("9.1")
    assert [d.role for d in exercise.dags.values()] == ["producer", "consumer", "consumer"]
    result = _check("list")
    assert result.returncode == 0 and "Exercise 9.1: Fan-out" in result.stdout, result.stderr


@pytest.fixture(scope="module")
def solution_report() -> dict:
    result = _check("check", str(SOLUTION), "--exercise", "9.1", "--json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return json.loads(result.stdout)


def test_the_solution_passes_end_to_end(solution_report) -> None:
    statuses = _statuses(solution_report)
    assert solution_report["exercise"] == "9.1" and solution_report["mode"] == "full"
    assert {k: v for k, v in statuses.items() if v[0] != "passed"} == {"quiz": statuses["quiz"]}
    assert "fan_left" in statuses["consumer_triggered"][1] or "fan_right" in statuses["consumer_triggered"][1]
    assert "fan_left, fan_right each consumed" in statuses["same_event_both"][1]  # the exercise's own check ran


def test_a_consumer_on_another_asset_fails_where_it_is_wrong() -> None:
    result = _check("check", str(OTHER_ASSET), "--exercise", "9.1", "--json")
    assert result.returncode == 1, result.stderr[-2000:]
    statuses = _statuses(json.loads(result.stdout))
    status, message = statuses["consumer_schedule"]
    assert status == "failed" and "fan_right" in message and "file://lake/other" in message, message
    assert statuses["producer_run"][0] == "passed" and statuses["asset_event"][0] == "passed"
    assert statuses["consumer_triggered"][0] == "skipped"  # one cause, reported once


def test_the_starter_points_at_its_first_todo() -> None:
    result = _check("check", str(STARTER), "--exercise", "9.1", "--static", "--json")
    assert result.returncode == 1, result.stderr[-2000:]
    doc = json.loads(result.stdout)
    dag_ids = next(c for cr in doc["criteria"] for c in cr["checks"] if c["id"] == "dag_ids")
    assert dag_ids["status"] == "failed" and "fan_left" in dag_ids["message"], dag_ids


def test_an_id_the_course_does_not_have_is_one_line() -> None:
    result = _check("check", str(SOLUTION), "--exercise", "5.1", "--static")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no exercise '5.1' in this course (it has 9.1)" in result.stderr


def test_dev_check_reads_a_course_file_and_names_what_it_lacks() -> None:
    """`exercise --course FILE dev check`: this course's own check has no unit test, and nothing is recorded live."""
    result = _check("dev", "check", "--files-only")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "✔ the schema: fan_out/exercise.toml reads" in result.stdout
    assert "✘ every check has a module and a unit test" in result.stdout
    assert "check same_event_both: no unit test tests/checks/test_same_event_both.py" in result.stdout
    assert f"`EXERCISE_COURSE={COURSE} make compat RECORD=1 EXERCISE=9.1` makes them" in " ".join(result.stdout.split())


def test_dev_check_names_the_line_of_a_wrong_key(tmp_path) -> None:
    import shutil

    shutil.copytree(COURSE.parent, tmp_path / "course")
    exercise = tmp_path / "course" / "data" / "fan_out" / "exercise.toml"
    exercise.write_text(exercise.read_text().replace("schedule_on", "scheduled_on", 1))
    env = {**os.environ, "COLUMNS": "200"}
    env.pop(COURSE_ENV, None)
    result = subprocess.run([sys.executable, "-m", "exercise_cli", "--course", str(tmp_path / "course" / "course.toml"), "dev",
                             "check", "--files-only"], capture_output=True, text=True, env=env, timeout=300)
    line = next(n for n, text in enumerate(exercise.read_text().splitlines(), 1) if "scheduled_on" in text)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {exercise}:{line}: dags.left.scheduled_on: unknown key (a typo?)", result.stderr
