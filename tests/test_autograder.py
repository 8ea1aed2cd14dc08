"""The generated Gradescope autograder and GitHub Classroom assignment, run end to end.

Gradescope: the zip is unpacked into a root laid out as the platform's (source/, submission/,
results/), setup.sh installs the grader into a fresh venv there, and run_autograder grades four
submissions. GitHub Classroom: the workflow is parsed and its steps' commands run in order.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import signal
import zipfile
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from typer.testing import CliRunner

from conftest import REPO, SUBMISSIONS
from exercise_cli.app import app
from exercise_cli.autograder.not_graded import GRADER_PROBLEM
from exercise_cli.course import load_course
from exercise_cli.grading.process import make_throwaway
from exercise_cli.sandbox import jail, seccomp

REASON = jail.unavailable_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"both platforms grade in the sandbox: {REASON}")
SOLUTION = REPO / "solution" / "exercise_5_1"
# submission -> the score each platform must give it (one point per counted criterion)
EXPECTED = {"solution": 5, "fails_uri_mismatch": 2, "fails_syntax_error": 0, "fails_producer_hangs": 2}


def _run(args: list[str], *, check: bool = False, capture_output: bool = False, **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run in a session of its own, whose whole group is killed when the test is stopped (Ctrl-C,
    SIGTERM: conftest makes it a KeyboardInterrupt): setup.sh's pip would otherwise go on writing into the
    folder being removed, and leave it behind. The folders carry pytest's pid (make_throwaway), so the next
    run removes what a SIGKILLed one left."""
    pipe = subprocess.PIPE if capture_output else None
    with subprocess.Popen(args, stdout=pipe, stderr=pipe, start_new_session=True, **kwargs) as proc:
        try:
            out, err = proc.communicate()
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    done = subprocess.CompletedProcess(args, proc.returncode, out, err)
    if check:
        done.check_returncode()
    return done


def _source(name: str) -> Path:
    return SOLUTION if name == "solution" else SUBMISSIONS / name


@pytest.fixture(scope="module")
def platform_root() -> Iterator[Path]:
    """A Gradescope-like root with the zip unpacked into source/ and setup.sh run: a folder others may
    enter, as /autograder is (pytest's own temporary folders are closed to other users)."""
    root = make_throwaway("exercise-autograder-")
    os.chmod(root, 0o755)
    try:
        yield _set_up(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _set_up(root: Path) -> Path:
    bundle = root / "autograder.zip"
    result = CliRunner().invoke(app, ["autograder", "gradescope", str(bundle), "--task-timeout", "5"])
    assert result.exit_code == 0, result.output
    names = set(zipfile.ZipFile(bundle).namelist())
    assert {"setup.sh", "run_autograder", "constraints.txt"} <= names and len(names) == 4
    assert any(n.endswith(".whl") for n in names)
    _unpack(bundle, root / "source")
    for name in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / name, 0o755)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    env = dict(os.environ, EXERCISE_AUTOGRADER_ROOT=str(root))
    setup = _run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True)
    assert setup.returncode == 0, setup.stderr[-3000:]
    # setup.sh proved the image can sandbox: it graded the solution under --require-sandbox.
    assert "the reference solution passes here, isolation: " in setup.stdout
    assert "isolation: process" not in setup.stdout
    return root


def _unpack(bundle: Path, source: Path) -> None:
    """Unpack as Gradescope does, the wheel root's alone as setup.sh leaves it, and never readable by others on
    the way (test_hostile's wheel test, in the other lane, looks for such wheels in /tmp)."""
    source.mkdir(mode=0o700)
    with zipfile.ZipFile(bundle) as z:
        z.extractall(source)
    for wheel in source.glob("*.whl"):
        os.chmod(wheel, 0o600)
    source.chmod(0o755)


def _gradescope(root: Path, name: str, inside: list[str] | None = None, **env_extra: str) -> dict:
    """Run run_autograder on one submission (`inside`: a command that wraps it, such as the container emulation);
    the results, with run_autograder's output (the instructor's) under "_stdout"."""
    submission = root / "submission"
    shutil.rmtree(submission)
    shutil.copytree(_source(name), submission)
    env = dict(os.environ, EXERCISE_AUTOGRADER_ROOT=str(root), **env_extra)
    done = _run([*(inside or []), "bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Isolation: " in done.stdout  # for the instructor: which isolation this grading had
    return {**json.loads((root / "results" / "results.json").read_text()), "_stdout": done.stdout}


def _valid_results(doc: dict) -> None:
    assert isinstance(doc["score"], (int, float)) and isinstance(doc["execution_time"], (int, float))
    assert isinstance(doc["output"], str) and doc["visibility"] == "visible"
    assert len(doc["tests"]) == 5  # the counted criteria; the quiz is left out
    for test in doc["tests"]:
        assert set(test) == {"name", "score", "max_score", "status", "output", "output_format", "visibility"}
        assert test["status"] in ("passed", "failed") and test["output_format"] == "md"
        assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0)
    assert doc["score"] == sum(t["score"] for t in doc["tests"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_gradescope_run_autograder(platform_root: Path, name: str) -> None:
    doc = _gradescope(platform_root, name)
    instructor = doc.pop("_stdout")
    _valid_results(doc)
    assert doc["score"] == EXPECTED[name], doc
    assert f"isolation: {jail.choose_tier()[0]}" in doc["output"]
    if name == "fails_syntax_error":
        assert "SyntaxError" in doc["tests"][0]["output"]
    # the instructor's debug output holds the checklist too: the verdict and a mark per check
    assert ("PASSED " if EXPECTED[name] == 5 else "NOT YET ") in instructor


@pytest.mark.skipif(os.geteuid() != 0 or seccomp.unavailable_reason() is not None,
                    reason="emulating a container needs root and libseccomp")
def test_gradescope_grades_the_solution_inside_an_emulated_container(platform_root: Path) -> None:
    """Gradescope runs run_autograder as root in a Docker container: there the container tier grades it 5/5."""
    doc = _gradescope(platform_root, "solution", inside=[sys.executable, str(REPO / "tests" / "emulate_container.py")])
    doc.pop("_stdout")
    _valid_results(doc)
    assert doc["score"] == 5 and "isolation: container" in doc["output"], doc


def test_gradescope_writes_results_even_when_nothing_can_be_graded(platform_root: Path) -> None:
    submission = platform_root / "submission"
    shutil.rmtree(submission)
    submission.mkdir()
    (submission / "notes.txt").write_text("no DAG file here")
    env = dict(os.environ, EXERCISE_AUTOGRADER_ROOT=str(platform_root))
    done = _run(["bash", str(platform_root / "source" / "run_autograder")], env=env, check=True,
                          capture_output=True, text=True)
    doc = json.loads((platform_root / "results" / "results.json").read_text())
    # the learner is told what to do on Gradescope, not a command for their own machine
    assert doc["score"] == 0 and doc["output"].startswith("Not graded: ") and "notes.txt; no .py files" in doc["output"]
    assert "Upload your DAG file(s) again" in doc["output"] and "exercise init" not in doc["output"]
    assert "no .py files in" in done.stdout  # the grader's own words, for the instructor


def test_gradescope_tells_the_learner_a_refused_sandbox_is_the_instructors_problem(platform_root: Path) -> None:
    doc = _gradescope(platform_root, "solution", EXERCISE_SANDBOX_TIER="no-such-tier")  # no tier: check refuses
    assert doc["score"] == 0 and doc["output"] == GRADER_PROBLEM and doc["tests"] == []
    assert "--allow-unsandboxed" not in json.dumps(doc["output"])
    assert "cannot sandbox submissions here" in doc["_stdout"]  # the reason, in the instructor's output


def _workflow_steps(repo: Path) -> list[dict]:
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "classroom.yml").read_text())
    return workflow["jobs"]["run-autograding-tests"]["steps"]


def test_github_classroom_assignment_grades_once_and_adds_up(platform_root: Path, tmp_path: Path) -> None:
    wheel = next((platform_root / "source").glob("*.whl"))
    repo = tmp_path / "assignment"
    result = CliRunner().invoke(app, ["autograder", "github-classroom", str(repo), "--wheel", str(wheel),
                                      "--task-timeout", "5"])
    assert result.exit_code == 0, result.output
    assert (repo / "dags" / "exercise_5_1_producer_consumer_starter.py").is_file()
    assert (repo / "README.md").is_file() and (repo / ".github" / "exercise" / wheel.name).is_file()
    steps = _workflow_steps(repo)
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    graders = [s for s in steps if "autograding-command-grader" in s.get("uses", "")]
    assert len(graders) == 5 and sum(int(s["with"]["max-score"]) for s in graders) == 5
    reporter = steps[-1]
    assert reporter["with"]["runners"].split(",") == [s["id"] for s in graders]
    assert all(re.fullmatch(r"[a-zA-Z0-9]+", s["id"]) for s in graders)
    assert set(reporter["env"]) == {f"{s['id'].upper()}_RESULTS" for s in graders}
    grading = [s for s in steps if s.get("name", "").startswith("Grade once")]
    assert len(grading) == 1 and "--require-sandbox" in grading[0]["run"]

    for name, points in (("solution", 5), ("fails_uri_mismatch", 2)):
        shutil.rmtree(repo / "dags")
        shutil.copytree(_source(name), repo / "dags")
        assert _run_classroom_steps(repo, steps, platform_root, tmp_path) == points, name


def _run_classroom_steps(repo: Path, steps: list[dict], root: Path, scratch: Path) -> int:
    """Each step's command, in order, as the runner would (already root here: no sudo; paths under tmp)."""
    venv, report = str(root / "exercise-venv"), str(scratch / "exercise-report.json")

    def local(command: str) -> str:
        command = command.replace("/tmp/exercise-venv", venv).replace("/tmp/exercise-report.json", report)
        return command.replace("sudo --preserve-env=PATH ", "").replace("python -m venv", f"{root}/exercise-venv/bin/python -m venv")

    points = 0
    for step in steps:
        if "run" in step:
            done = _run(["bash", "-e", "-c", local(step["run"])], cwd=repo, capture_output=True, text=True)
            assert done.returncode == 0, (step["name"], done.stdout[-2000:], done.stderr[-2000:])
        elif "autograding-command-grader" in step.get("uses", ""):
            done = _run(["bash", "-c", local(step["with"]["command"])], cwd=repo, capture_output=True, text=True)
            assert done.returncode in (0, 1), done.stderr
            points += int(step["with"]["max-score"]) if done.returncode == 0 else 0
    return points


@pytest.mark.parametrize("exercise", load_course().exercises(), ids=lambda e: e.id)
def test_both_bundles_grade_each_exercise(exercise, platform_root: Path, tmp_path: Path) -> None:
    """`--exercise ID`: Gradescope's run_autograder gives its solution every counted criterion's point; the
    Classroom workflow has one grader per counted criterion and gives its untouched starter none (the wheel
    carries the whole course; setup.sh's venv is shared here rather than installed again)."""
    wheel = next((platform_root / "source").glob("*.whl"))
    counted = [c.id for c in exercise.criteria if c.counts]
    root = make_throwaway("exercise-autograder-")
    os.chmod(root, 0o755)
    try:
        bundle = root / "autograder.zip"
        result = CliRunner().invoke(app, ["autograder", "gradescope", str(bundle), "--exercise", exercise.id, "--wheel", str(wheel),
                                          "--task-timeout", "20"])
        assert result.exit_code == 0 and f"exercise {exercise.id}" in result.output, result.output
        _unpack(bundle, root / "source")
        assert f"--exercise {exercise.id}" in (root / "source" / "setup.sh").read_text()
        (root / "exercise-venv").symlink_to(platform_root / "exercise-venv")
        (root / "results").mkdir()
        shutil.copytree(exercise.solution_dir, root / "submission")
        env = dict(os.environ, EXERCISE_AUTOGRADER_ROOT=str(root))
        _run(["bash", str(root / "source" / "run_autograder")], env=env, check=True, capture_output=True)
        doc = json.loads((root / "results" / "results.json").read_text())
        _valid_results(doc)
        assert doc["score"] == len(counted) and doc["output"].startswith(f"Exercise {exercise.id}: "), doc["output"]

        repo = tmp_path / "assignment"
        result = CliRunner().invoke(app, ["autograder", "github-classroom", str(repo), "--exercise", exercise.id, "--wheel", str(wheel),
                                          "--task-timeout", "20"])
        assert result.exit_code == 0, result.output
        assert (repo / "dags" / exercise.starter).read_text() == exercise.starter_path.read_text()
        steps = _workflow_steps(repo)
        graders = [s for s in steps if "autograding-command-grader" in s.get("uses", "")]
        assert [s["with"]["command"].rsplit(" ", 1)[-1] for s in graders] == counted
        assert _run_classroom_steps(repo, steps, platform_root, tmp_path) == 0
    finally:
        shutil.rmtree(root, ignore_errors=True)
