"""What the platform bundles tell their readers, checked without grading: the GitHub Classroom
template's .gitignore with real git, and the "Not graded" words for the learner and the instructor.
(tests/test_autograder.py runs both bundles end to end, in the sandbox.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO
from exercise_cli.app import app
from exercise_cli.autograder.not_graded import GRADER_PROBLEM, learner_output, main

STARTER = "exercise_5_1_producer_consumer_starter.py"


def _git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout


def _classroom_repo(tmp_path: Path) -> Path:
    wheel = tmp_path / "airflow_exercise-0.0.0-py3-none-any.whl"  # copied as it is, never installed here
    wheel.write_bytes(b"PK\x05\x06" + bytes(18))
    repo = tmp_path / "assignment"
    result = CliRunner().invoke(app, ["autograder", "github-classroom", str(repo), "--wheel", str(wheel)])
    assert result.exit_code == 0, result.output
    return repo


def test_classroom_template_keeps_venvs_caches_and_reports_out_of_git_add(tmp_path: Path) -> None:
    repo = _classroom_repo(tmp_path)
    assert (repo / ".gitignore").is_file()
    # What a learner's working copy gathers: the venv the README once put inside, caches, reports, state.
    for venv in (".venv", "venv"):
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(repo / venv)], check=True)
    (repo / "dags" / "__pycache__").mkdir()
    (repo / "dags" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (repo / "dags" / ".exercise-state.json").write_text("{}")
    (repo / "dags" / f"{STARTER}.20261130-050000.bak").write_text("old")
    (repo / "report.json").write_text("{}")
    (repo / "dags" / "my_notes.py").write_text("# the learner's own file is kept\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    staged = set(_git(repo, "ls-files").split())
    assert f"dags/{STARTER}" in staged and "dags/my_notes.py" in staged
    assert {".gitignore", "README.md", ".github/workflows/classroom.yml", ".github/exercise/constraints.txt"} <= staged
    assert not [p for p in staged if p.startswith((".venv/", "venv/")) or "__pycache__" in p or p.endswith((".bak", ".pyc"))]
    assert ".exercise-state.json" not in " ".join(staged) and "report.json" not in staged
    assert len(staged) == 7, staged  # the starter, the learner's file, README, .gitignore, workflow, wheel, constraints


def test_classroom_readme_puts_the_venv_outside_or_under_an_ignored_name(tmp_path: Path) -> None:
    readme = (_classroom_repo(tmp_path) / "README.md").read_text()
    assert "python3.11 -m venv ~/.venvs/" in readme and "python3.11 -m venv .venv" not in readme
    assert "`.gitignore`" in readme and "push" in readme


def test_an_upload_without_dag_files_is_told_to_upload_again(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no DAG file here")
    learner, instructor = learner_output("gradescope", tmp_path)
    assert learner.startswith("Not graded: ") and "Upload your DAG file(s) again" in learner
    assert "it holds notes.txt; no .py files" in learner
    assert "exercise" not in learner.replace("exercise_5_1", "")  # no command meant for someone else
    assert "no .py files in" in instructor  # the grader's own words, for the instructor
    pushed, _ = learner_output("github-classroom", tmp_path)
    assert "push again" in pushed and "Upload" not in pushed
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "(it is empty)" in learner_output("gradescope", empty)[0]


def test_a_gradable_upload_the_grader_failed_on_is_the_instructors_problem(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    assert main(["gradescope", str(REPO / "solution" / "exercise_5_1"), str(results)]) == 0
    doc = json.loads(results.read_text())
    assert doc["output"] == GRADER_PROBLEM and doc["score"] == 0 and doc["tests"] == []
    assert doc["visibility"] == "visible" and doc["stdout_visibility"] == "hidden"


@pytest.mark.parametrize("argv", [[], ["gradescope", "x"], ["moodle", "x"], ["github-classroom", "x", "y"]])
def test_not_graded_refuses_a_wrong_call(argv: list[str]) -> None:
    assert main(argv) == 2


def test_the_wheel_lists_every_package_the_bundles_import() -> None:
    """The platforms install the wheel: a package missing from pyproject.toml is missing there
    (exercise_cli.autograder once was, and with it run_autograder's not_graded)."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "exercise_cli").rglob("__init__.py")
             if "__pycache__" not in init.parts}
    assert found <= listed, found - listed
