"""Grade one submission on the trusted side: parse in a sandboxed child, decide the static checks,
then (full mode) run the DAGs with sandboxed task children, and decide the rest.

Only this process writes the results; the children it starts can neither see nor write its files.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from exercise_cli.checks import run_check
from exercise_cli.checks._support import Outcome, Submission, not_run, skipped
from exercise_cli.course import Course, load_course
from exercise_cli.untrusted.jail import Jail, Limits, reap, sandbox_uid
from exercise_cli.trusted.protocol import (
    FINAL_RESULTS_FILE,
    STATIC_RESULTS_FILE,
    TASK_LOG_DIR,
    Job,
    ProgressWriter,
    write_json_atomically,
)


def grade(job: Job, progress: ProgressWriter) -> None:
    jail = _jail(job)
    try:
        _grade(job, progress, jail)
    finally:
        if jail is not None:
            reap(jail.uid)  # whatever a child left behind, however it got out of its namespace


def _grade(job: Job, progress: ProgressWriter, jail: Jail | None) -> None:
    course = load_course()
    home = Path(job.home)
    # Imported before the parse child's fork: it inherits them, and this side needs them to read
    # its result. Until the parse phase starts, a timeout is the grader's, not the learner's code.
    import airflow.dag_processing.dagbag  # noqa: F401
    import airflow.serialization.serialized_objects  # noqa: F401

    from exercise_cli.trusted.loading import load_submission

    progress.phase("parse")

    # While the parse child works, build what running the DAGs needs (no thread: children are forked).
    sub = load_submission(job, course, jail, meanwhile=prepare_run if job.mode == "full" else None)
    static = _evaluate(course, sub, kinds={"static", "quiz"})
    write_json_atomically(home / STATIC_RESULTS_FILE, static)
    progress.emit("static_done")
    if job.mode == "full":
        reason = _why_not_run(sub)
        if reason:
            sub.dynamic_skip_reason = reason
        else:
            from exercise_cli.trusted.running import Pipeline

            log_dir = home / TASK_LOG_DIR
            log_dir.mkdir(exist_ok=True)
            pipeline = Pipeline(sub, progress, log_dir, jail, job.task_timeout)
            sub.run = pipeline.facts
            pipeline.run()
    progress.phase("report")
    final = {**static, **_evaluate(course, sub, kinds={"dynamic"}, earlier=static)}
    write_json_atomically(home / FINAL_RESULTS_FILE, final)


def prepare_run() -> None:
    """Import and build what running the DAGs needs (the warm process does it once for all its children)."""
    import airflow.dag_processing.collection  # noqa: F401
    import airflow.executors.workloads  # noqa: F401
    import airflow.jobs.scheduler_job_runner  # noqa: F401
    import airflow.sdk.execution_time.supervisor  # noqa: F401
    import airflow.sdk.execution_time.task_runner  # noqa: F401

    from sqlalchemy.orm import configure_mappers

    from exercise_cli.trusted import execution_api

    configure_mappers()  # else the first query pays for it (0.3 s)
    execution_api.build()


def _jail(job: Job) -> Jail | None:
    if job.sandbox is None:
        return None
    spec = dict(job.sandbox)
    limits = Limits(**spec.pop("limits", {}))
    return Jail(scratch=spec["scratch"], hidden=tuple(spec["hidden"]), readable=tuple(spec["readable"]), limits=limits,
                uid=sandbox_uid())


def _why_not_run(sub: Submission) -> str:
    course = sub.course
    if sub.parse_failure is not None:
        return "not run: your DAG files did not finish importing"
    if sub.import_errors and not sub.dags:
        return "not run: your DAG file does not import"
    if sub.producer is None:
        return f"not run: no producer DAG yet ({course.producer_dag_id})"
    return ""  # a producer alone is run: its steps get credit before the consumer exists


def _evaluate(course: Course, sub: Submission, kinds: set[str], earlier: dict | None = None) -> dict[str, dict]:
    results: dict[str, dict] = dict(earlier or {})
    decided: dict[str, dict] = {}
    for spec in course.checks:
        if spec.kind not in kinds:
            continue
        prerequisite = results.get(spec.requires) if spec.requires else None
        if prerequisite is not None and (prerequisite["status"] == "failed"
                                         or sub.mode == "full" and prerequisite["status"] != "passed"):
            outcome = skipped(f"not run: '{course.check(spec.requires).title}' did not pass")
        elif (waiting := _waiting_for(spec, sub)) is not None:
            outcome = waiting
        else:
            outcome = _safe(spec.id, sub)
        record = _record(spec.id, outcome, spec.hint)
        results[spec.id] = decided[spec.id] = record
    return decided


def _waiting_for(spec, sub: Submission) -> Outcome | None:
    """The skip a check gets before it can be decided: no run yet, or no DAG of the kind it is about."""
    if spec.kind == "dynamic" and (skip := not_run(sub)) is not None:
        return skip
    course = sub.course
    if spec.needs == "producer" and sub.producer is None:
        return skipped(f"no DAG {course.producer_dag_id} yet")
    if spec.needs == "consumer" and sub.consumer is None:
        return skipped(f"no DAG {course.consumer_dag_id} yet")
    if spec.needs == "either" and sub.producer is None and sub.consumer is None:
        return skipped("no exercise DAG loaded yet")
    return None


def _safe(check_id: str, sub: Submission) -> Outcome:
    try:
        return run_check(check_id, sub)
    except Exception as exc:  # a grader bug must not hide the other checks' results
        return Outcome("failed", f"the grader could not decide this check: {type(exc).__name__}: {exc}")


def _record(check_id: str, outcome: Outcome, default_hint: str) -> dict:
    record = asdict(outcome)
    if outcome.status == "failed":
        record["hint"] = outcome.hint or default_hint
    else:
        record["hint"] = ""
    return {"id": check_id, **record}
