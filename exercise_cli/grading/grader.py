"""Grade a submission: start the trusted grading process on a throwaway folder, and read its results into a Report."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Literal

from exercise_cli.course import load_course
from exercise_cli.errors import EnvironmentProblem
from exercise_cli.exits import ended, last_line
from exercise_cli.grading.process import ChildOutcome, airflow_env, install_local_settings, run_worker, throwaway_home
from exercise_cli.grading.submission import SubmissionFiles, copy_into, find_submission
from exercise_cli.grading.template_db import airflow_version, copy_template_into
from exercise_cli.results import CheckResult, Report, build_report
from exercise_cli.trusted.protocol import FINAL_RESULTS_FILE, PARSE_TIMEOUT_HINT, PHASE_DOING, STATIC_RESULTS_FILE, Job
from exercise_cli.untrusted import jail

DEFAULT_TIMEOUT_STATIC = 60.0
DEFAULT_TIMEOUT_FULL = 180.0
DEFAULT_TASK_TIMEOUT = 60.0
_REPORTING_MARGIN = 1.5  # seconds the grading process keeps, after the learner's code, to report

Isolation = Literal["auto", "sandbox", "process"]


def isolation_for(asked: Isolation) -> tuple[str, str]:
    """("sandbox" or "process", why not the sandbox); raises EnvironmentProblem if "sandbox" cannot be had."""
    if asked == "process":
        return "process", "the sandbox was turned off (--no-sandbox)"
    reason = jail.unavailable_reason()
    if reason is None:
        return "sandbox", ""
    if asked == "sandbox":
        raise EnvironmentProblem(f"cannot sandbox submissions here: {reason}; grade with --allow-unsandboxed to accept plain child processes")
    return "process", reason


def grade(
    path: str | Path | SubmissionFiles,
    *,
    static: bool = False,
    timeout: float | None = None,
    task_timeout: float = DEFAULT_TASK_TIMEOUT,
    quiz_passed: bool = False,
    isolation: Isolation = "auto",
    limits: jail.Limits | None = None,
    on_event: Callable[[dict], None] | None = None,
    on_static: Callable[[Report], None] | None = None,
    launcher: Callable | None = None,
    live: dict | None = None,
) -> Report:
    """Grade the DAG file or folder at `path`. Raises UsageError/EnvironmentProblem for exit code 2.

    `on_static` gets the static checks' report as soon as they are decided, while a full run goes on.
    `live` (from exercise_cli.live.deployment): `path` holds a deployment's DAG files, and the run
    facts come from that deployment instead of a local run.
    """
    started = time.monotonic()
    course = load_course()
    files = path if isinstance(path, SubmissionFiles) else find_submission(path)
    airflow_version()  # fail early, with a clear message, where Airflow is missing
    isolated, why_not = isolation_for(isolation)
    mode = "static" if static else "live" if live else "full"
    if timeout is None:
        timeout = DEFAULT_TIMEOUT_STATIC if static else DEFAULT_TIMEOUT_FULL
    with throwaway_home("exercise-check-") as root:
        # root/home: the trusted side's (DB, results), hidden from every child; root/dags: the copy
        # the children read; root/scratch: where each sandboxed child mounts its own tmpfs.
        os.chmod(root, 0o711)
        home, dags, scratch = root / "home", root / "dags", root / "scratch"
        home.mkdir(mode=0o700)
        dags.mkdir()
        scratch.mkdir()
        learner_paths = copy_into(files, dags)
        _readable_by_all(dags)
        install_local_settings(home)
        if mode == "full":
            copy_template_into(home)
        sandbox = None
        if isolated == "sandbox":
            sandbox = {"scratch": str(scratch), "hidden": [str(home)], "readable": [str(dags)],
                       "limits": asdict(limits or jail.Limits())}
        learner_seconds = _learner_seconds(mode, timeout)
        job = Job(mode=mode, home=str(home), dags_folder=str(dags), learner_paths=learner_paths,
                  task_timeout=task_timeout, quiz_passed=quiz_passed, timeout=learner_seconds,
                  deadline=time.time() + learner_seconds - _REPORTING_MARGIN, sandbox=sandbox, live=live,
                  skipped=files.skipped)
        env = airflow_env(home, dags)

        def event(record: dict) -> None:
            if on_event:
                on_event(record)
            if on_static and record.get("event") == "static_done" and not static:
                decided = _read_results(home)
                for spec in course.checks:  # the run decides these next
                    decided.setdefault(spec.id, CheckResult(spec.id, "skipped", "your DAGs run in Airflow next").to_dict())
                on_static(_report(course, "static", decided, files.display_root, started, isolated, why_not))

        child = run_worker(job, env, timeout=timeout, on_event=event, launcher=launcher)
        results = _read_results(home)
    if not child.finished:
        by_id = {cid: CheckResult(**record) for cid, record in results.items()}
        _explain_stop(child, by_id, timeout, list(learner_paths.values()), quiz_passed)
        results = {cid: r.to_dict() for cid, r in by_id.items()}
    return _report(course, mode, results, files.display_root, started, isolated, why_not)


def _learner_seconds(mode: str, timeout: float) -> float:
    """How long the learner's code may run here: all of --timeout, but in live mode only the parse
    runs here (the rest of the time is the deployment's), so it gets what a static check gets."""
    return min(timeout, DEFAULT_TIMEOUT_STATIC) if mode == "live" else timeout


def _report(course, mode: str, results: dict[str, dict], path, started: float, isolated: str, why_not: str) -> Report:
    report = build_report(course, mode, {cid: CheckResult(**record) for cid, record in results.items()})  # type: ignore[arg-type]
    report.submission = str(path)
    report.seconds = time.monotonic() - started
    report.isolation = isolated
    report.isolation_note = why_not
    return report


def _readable_by_all(folder: Path) -> None:
    """The sandboxed children run as another user: the copy must be theirs to read (never to write)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)


def _read_results(home: Path) -> dict[str, dict]:
    for name in (FINAL_RESULTS_FILE, STATIC_RESULTS_FILE):
        try:
            return json.loads((home / name).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            continue
    return {}


def _explain_stop(
    child: ChildOutcome,
    by_id: dict[str, CheckResult],
    timeout: float,
    learner_files: list[str],
    quiz_passed: bool = False,
) -> None:
    """The grading process stopped before reporting: fail the check of the phase it was in, skip the rest."""
    course = load_course()
    phase = child.phase or "import_airflow"
    check_id = course.check_for_phase(phase).id
    doing = PHASE_DOING.get(phase, phase)
    if child.stopped_because == "timeout":
        reason = f"timed out after {timeout:g} s while {doing}; all its processes were killed"
        if phase == "import_airflow":
            hint = "The grader's own start-up did not finish within --timeout; your code had not run yet. Give it more time."
        elif phase == "parse":
            hint = PARSE_TIMEOUT_HINT
        else:
            hint = "Look for code that never returns (at import time or in a task); the whole check may take --timeout seconds."
    else:
        reason = f"the grading process {ended(child.returncode)} while {doing}"
        last = last_line(child.stderr_tail)
        if last:
            reason += f"; last output: {last}"
        hint = "This is the grader failing, not your code: run the check again, and report it if it persists."
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
