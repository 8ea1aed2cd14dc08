"""Grade a submission: run the grading child in a throwaway home and turn what it left into a Report."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Callable

from exercise_cli.course import load_course
from exercise_cli.results import CheckResult, Report, build_report
from exercise_cli.sandbox import ChildOutcome, airflow_env, install_local_settings, run_worker, throwaway_home
from exercise_cli.submission import copy_into, find_submission
from exercise_cli.template_db import airflow_version, copy_template_into
from exercise_cli.worker.protocol import (
    FINAL_RESULTS_FILE,
    PARTIAL_RESULTS_FILE,
    PHASE_DOING,
    STATIC_RESULTS_FILE,
    Job,
)

DEFAULT_TIMEOUT_STATIC = 60.0
DEFAULT_TIMEOUT_FULL = 180.0
DEFAULT_TASK_TIMEOUT = 60.0


def grade(
    path: str | Path,
    *,
    static: bool = False,
    timeout: float | None = None,
    task_timeout: float = DEFAULT_TASK_TIMEOUT,
    quiz_passed: bool = False,
    on_event: Callable[[dict], None] | None = None,
    launcher: Callable | None = None,
) -> Report:
    """Grade the DAG file or folder at `path`. Raises UsageError/EnvironmentProblem for exit code 2."""
    started = time.monotonic()
    course = load_course()
    files = find_submission(path)
    airflow_version()  # fail early, with a clear message, where Airflow is missing
    mode = "static" if static else "full"
    if timeout is None:
        timeout = DEFAULT_TIMEOUT_STATIC if static else DEFAULT_TIMEOUT_FULL
    with throwaway_home("exercise-check-") as home:
        dags = home / "dags"
        dags.mkdir()
        learner_paths = copy_into(files, dags)
        install_local_settings(home)
        if not static:
            copy_template_into(home)
        job = Job(mode=mode, home=str(home), dags_folder=str(dags), learner_paths=learner_paths,
                  task_timeout=task_timeout, quiz_passed=quiz_passed)
        env = airflow_env(home, dags, {"AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": str(max(1, int(timeout) - 5))})
        child = run_worker(job, env, timeout=timeout, task_timeout=task_timeout, on_event=on_event, launcher=launcher)
        results = _read_results(home)
    by_id = {cid: CheckResult(**record) for cid, record in results.items()}
    if not child.finished:
        _explain_stop(child, by_id, timeout, task_timeout, list(learner_paths.values()), quiz_passed)
    report = build_report(course, mode, by_id)  # type: ignore[arg-type]
    report.submission = str(path)
    report.seconds = time.monotonic() - started
    return report


def _read_results(home: Path) -> dict[str, dict]:
    for name in (FINAL_RESULTS_FILE, PARTIAL_RESULTS_FILE, STATIC_RESULTS_FILE):
        try:
            return json.loads((home / name).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            continue
    return {}


def _explain_stop(
    child: ChildOutcome,
    by_id: dict[str, CheckResult],
    timeout: float,
    task_timeout: float,
    learner_files: list[str],
    quiz_passed: bool = False,
) -> None:
    """The child stopped before reporting: fail the check of the phase it was in, skip the rest."""
    course = load_course()
    phase = child.phase or "import_airflow"
    check_id = course.check_for_phase(phase).id
    doing = PHASE_DOING.get(phase, phase)
    if child.stopped_because == "task_timeout" and child.task:
        dag_id, task_id = child.task
        reason = f"timed out after {task_timeout:g} s: task {task_id} of {dag_id} was still running; its processes were killed"
        hint = f"Look for an endless loop, a long sleep or a blocking call in {task_id}; each task may take {task_timeout:g} s (--task-timeout)."
    elif child.stopped_because == "timeout":
        reason = f"timed out after {timeout:g} s while {doing}; all its processes were killed"
        hint = "Look for code that never returns (at import time or in a task); the whole check may take --timeout seconds."
        if phase == "parse":
            hint = ("Look for an endless loop or a long wait at the top level of your file, or a crash in C code "
                    "(a segfault makes Airflow's import handler loop); --timeout sets the limit.")
    elif child.stopped_because == "output":
        reason = f"stopped while {doing}: the tasks printed more than 64 MiB"
        hint = "Print less: a loop that prints without end?"
    else:
        reason = f"the grading process {_death(child.returncode)} while {doing}"
        if phase == "parse":
            reason += ": your DAG file ended the process as Airflow imported it (os._exit(), a crash in C code, ...)"
        elif child.task:
            reason += f" (task {child.task[1]} of {child.task[0]})"
        last = _last_line(child.stderr_tail)
        if last:
            reason += f"; last output: {last}"
        hint = course.check(check_id).hint
    files = sorted(set(learner_files))
    file = files[0] if phase == "parse" and len(files) == 1 else None
    by_id[check_id] = CheckResult(check_id, "failed", reason, hint, file=file)
    stopped_title = course.check(check_id).title
    for spec in course.checks:
        if spec.id in by_id:
            continue
        if spec.kind == "quiz":  # the quiz does not depend on the DAGs
            by_id[spec.id] = CheckResult(spec.id, "passed" if quiz_passed else "pending",
                                         "quiz passed" if quiz_passed else "take the quiz with `exercise quiz`")
        else:
            by_id[spec.id] = CheckResult(spec.id, "skipped", f"not run: grading stopped at '{stopped_title}'")


def _death(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
