"""Grade a submission: start the trusted grading process on a throwaway folder, and read its results into a Report."""

from __future__ import annotations

import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Literal

from exercise_cli.course import course_file, load_exercise
from exercise_cli.errors import EnvironmentProblem
from exercise_cli.exits import ended, last_line
from exercise_cli.grading.process import ChildOutcome, GraderLost, airflow_env, install_local_settings, run_worker, throwaway_home
from exercise_cli.grading.submission import SubmissionFiles, copy_into, find_submission
from exercise_cli.grading.template_db import airflow_version, copy_template_into
from exercise_cli.results import CheckResult, Report, build_report
from exercise_cli.protocol import (
    FINAL_RESULTS_FILE,
    PARSE_TIMEOUT_HINT,
    PHASE_DOING,
    STATIC_RESULTS_FILE,
    GraderError,
    Job,
    Note,
    Progress,
    StaticDone,
    read_results,
)
from exercise_cli.sandbox import jail

DEFAULT_TIMEOUT_STATIC = 60.0
DEFAULT_TIMEOUT_FULL = 180.0
DEFAULT_TASK_TIMEOUT = 60.0
# Phases in which learner code runs (the parse child, the task children): a timeout there is theirs.
LEARNER_PHASES = ("parse", "producer_run", "consumer_run")
_REPORTING_MARGIN = 1.5  # seconds the grading process keeps, after the learner's code, to report

Isolation = Literal["auto", "sandbox", "process"]


def isolation_for(asked: Isolation) -> tuple[str, str]:
    """(the sandbox tier, or "process"; why not a stronger one); raises EnvironmentProblem if a
    sandbox was required and none can be had."""
    if asked == "process":
        return "process", "the sandbox was turned off (--no-sandbox)"
    tier, why_not = jail.choose_tier()
    if tier == jail.PROCESS and asked == "sandbox":
        raise EnvironmentProblem(f"cannot sandbox submissions here ({why_not}); plain child processes were "
                                 "refused (`check` without --require-sandbox, or `grade --allow-unsandboxed`, accepts them)")
    return tier, why_not


def grade(
    path: str | Path | SubmissionFiles,
    *,
    static: bool = False,
    timeout: float | None = None,
    task_timeout: float = DEFAULT_TASK_TIMEOUT,
    quiz_passed: bool = False,
    isolation: Isolation = "auto",
    limits: jail.Limits | None = None,
    on_event: Callable[[Progress], None] | None = None,
    on_static: Callable[[Report], None] | None = None,
    launcher: Callable | None = None,
    live: dict | None = None,
    exercise_id: str | None = None,
) -> Report:
    """Grade the DAG file or folder at `path`. Raises UsageError/EnvironmentProblem for exit code 2.

    `on_static` gets the static checks' report as soon as they are decided, while a full run goes on.
    `live` (from exercise_cli.live.deployment): `path` holds a deployment's DAG files, and the run
    facts come from that deployment instead of a local run. `exercise_id`: the course's exercise to
    grade against (default 5.1).
    A grading process that dies before reporting (GraderLost: killed, crashed, its warm server gone)
    is the grader's fault: the submission is graded once more in a new one, and if that one dies too,
    GraderLost goes up (the caller's "not graded", exit 2), never a learner's fail.
    """
    arguments = dict(static=static, timeout=timeout, task_timeout=task_timeout, quiz_passed=quiz_passed, isolation=isolation,
                     limits=limits, on_event=on_event, on_static=on_static, launcher=launcher, live=live, exercise_id=exercise_id)
    try:
        return _grade_once(path, **arguments)
    except GraderLost as lost:
        if on_event:
            on_event(Note(f"{lost}: grading once more, in a new one"))
    try:
        return _grade_once(path, **arguments)
    except GraderLost as lost:
        raise GraderLost(f"the grader failed: {lost}, twice: nothing was graded; run it again") from None


def _grade_once(
    path: str | Path | SubmissionFiles,
    *,
    static: bool,
    timeout: float | None,
    task_timeout: float,
    quiz_passed: bool,
    isolation: Isolation,
    limits: jail.Limits | None,
    on_event: Callable[[Progress], None] | None,
    on_static: Callable[[Report], None] | None,
    launcher: Callable | None,
    live: dict | None,
    exercise_id: str | None,
) -> Report:
    started = time.monotonic()
    course = load_exercise(exercise_id)
    files = path if isinstance(path, SubmissionFiles) else find_submission(path)
    airflow_version()  # fail early, with a clear message, where Airflow is missing
    isolated, why_not = isolation_for(isolation)
    mode = "static" if static else "live" if live else "full"
    if timeout is None:
        timeout = DEFAULT_TIMEOUT_STATIC if static else DEFAULT_TIMEOUT_FULL
    sandboxed = isolated in jail.SANDBOX_TIERS
    uid = jail.allocate_uid() if sandboxed and os.geteuid() == 0 else os.getuid()
    with throwaway_home("exercise-check-", parent=_folder_for_copies(uid)) as root:
        # root/home: the trusted side's (DB, results), hidden from every child; root/dags: the copy
        # the children read; root/scratch: the children's only writable folder. As root, the
        # sandbox's gid alone may enter root and read the copy: another grading's sandbox may not.
        home, dags, scratch = root / "home", root / "dags", root / "scratch"
        home.mkdir(mode=0o700)
        dags.mkdir()
        scratch.mkdir(mode=0o700)
        learner_paths = copy_into(files, dags)
        _readable_by_group(root, dags, scratch, uid)
        install_local_settings(home)
        if mode == "full":
            copy_template_into(home)
        sandbox = None
        if sandboxed:
            sandbox = {"tier": isolated, "uid": uid, "scratch": str(scratch), "hidden": [str(home)],
                       "readable": [str(dags)], "limits": asdict(limits or jail.Limits())}
        learner_seconds = _learner_seconds(mode, timeout)
        job = Job(mode=mode, home=str(home), dags_folder=str(dags), learner_paths=learner_paths,
                  task_timeout=task_timeout, quiz_passed=quiz_passed, timeout=learner_seconds,
                  deadline=time.time() + learner_seconds - _REPORTING_MARGIN, sandbox=sandbox, live=live,
                  skipped=files.skipped, exercise_id=course.id,
                  course_file=str(course_file()) if course_file() else None)
        env = airflow_env(home, dags)

        def event(record: Progress) -> None:
            if on_event:
                on_event(record)
            if on_static and isinstance(record, StaticDone) and not static:
                decided = _read_results(home)
                for spec in course.checks:  # the run decides these next
                    decided.setdefault(spec.id, CheckResult(spec.id, "skipped", "your DAGs run in Airflow next").to_dict())
                on_static(_report(course, "static", decided, files.display_root, started, isolated, why_not))

        child = run_worker(job, env, timeout=timeout, on_event=event, launcher=launcher)
        results = _read_results(home)
    grader_error = next((e.message for e in child.events if isinstance(e, GraderError)), None)
    if grader_error is not None:
        raise EnvironmentProblem(f"the grader could not grade this submission: {grader_error}")
    if not child.finished:
        results = _explain_stop(course, child, results, timeout, list(learner_paths.values()), quiz_passed)
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


def _folder_for_copies(uid: int) -> str:
    """Where the throwaway folder goes: TMPDIR, unless the sandbox's uid may not enter it (a 0700
    TMPDIR, as pam_tmpdir and many CI set-ups make it); then a shared temporary folder it may enter."""
    import tempfile

    candidates = [tempfile.gettempdir(), "/tmp", "/var/tmp"]
    for folder in candidates:
        if os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK) and jail.can_enter(folder, uid):
            return folder
    raise EnvironmentProblem(f"no temporary folder here lets the sandbox's user in (tried {', '.join(candidates)}): "
                             "set TMPDIR to a folder that others may enter (mode 1777 or 0711)")


def _readable_by_group(root: Path, dags: Path, scratch: Path, uid: int) -> None:
    """As root, the sandboxed children run as `uid` (gid alike): the copy is for that group to read,
    never to write; the scratch folder is theirs. Otherwise the children are this user."""
    if os.geteuid() != 0 or uid == 0:
        os.chmod(root, 0o700)
        return
    os.chown(root, 0, uid)
    os.chmod(root, 0o750)
    os.chown(scratch, uid, uid)
    for dirpath, dirnames, filenames in os.walk(dags):
        os.chown(dirpath, 0, uid)
        os.chmod(dirpath, 0o750)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), 0, uid, follow_symlinks=False)
            os.chmod(os.path.join(dirpath, name), 0o640)


def _read_results(home: Path) -> dict[str, dict]:
    for name in (FINAL_RESULTS_FILE, STATIC_RESULTS_FILE):
        try:
            return read_results(home / name)
        except (FileNotFoundError, ValueError):
            continue
    return {}


def _explain_stop(
    course,
    child: ChildOutcome,
    decided: dict[str, dict],
    timeout: float,
    learner_files: list[str],
    quiz_passed: bool = False,
) -> dict[str, dict]:
    """The grading process stopped before reporting: a timeout while learner code ran fails that phase's
    check and skips the rest (verdicts.stopped); anything else is the grader failing (EnvironmentProblem)."""
    phase = child.phase or "import_airflow"
    check_id = course.check_for_phase(phase).id
    doing = PHASE_DOING.get(phase, phase)
    if child.stopped_because != "timeout" or phase not in LEARNER_PHASES:
        # The grading process runs no learner code: its death, or a stop where no learner code
        # ran, is the grader failing, and that is nobody's grade.
        how = f"timed out after {timeout:g} s" if child.stopped_because == "timeout" else ended(child.returncode)
        last = last_line(child.stderr_tail)
        if child.stopped_because != "timeout":
            raise GraderLost(f"the grading process {how} while {doing}" + (f" ({last})" if last else ""))
        raise EnvironmentProblem(f"the grader failed: its grading process {how} while {doing}"
                                 + (f" ({last})" if last else "") + "; nothing was graded: run it again"
                                 + (" with more --timeout" if child.stopped_because == "timeout" else ""))
    reason = f"timed out after {timeout:g} s while {doing}; all its processes were killed"
    if phase == "parse":
        hint = PARSE_TIMEOUT_HINT
    else:
        hint = "Look for code that never returns (at import time or in a task); the whole check may take --timeout seconds."
    files = sorted(set(learner_files))
    file = files[0] if phase == "parse" and len(files) == 1 else None
    from exercise_cli.verdicts import stopped

    return stopped(course, decided, check_id, reason, hint, file, quiz_passed)
