"""Grade one submission on the trusted side: parse in a sandboxed child, decide the static checks,
then gather the run facts (full mode: run the DAGs here with sandboxed task children; live mode:
read what a deployment does with them), and decide the rest. One runner decides in every mode.

Only this process writes the results; the children it starts can neither see nor write its files.
"""

from __future__ import annotations

from pathlib import Path

from exercise_cli.course import load_exercise
from exercise_cli.facts import RunFacts, Submission
from exercise_cli.scenario.engine import run_scenario, why_not_run
from exercise_cli.protocol import (
    FINAL_RESULTS_FILE,
    STATIC_RESULTS_FILE,
    TASK_LOG_DIR,
    Job,
    ProgressWriter,
    StaticDone,
    write_results,
)
from exercise_cli.verdicts import cannot_be_triggered, evaluate
from exercise_cli.sandbox import cgroup, loaded_modules
from exercise_cli.sandbox.jail import Jail, Limits, course_folders, reap, sweep_files

# The grading process's own bound (address space): far above what it needs (a full check of the
# solution peaks near 0.4 GiB of address space), so that whatever a submission makes it read or
# hold ends this process (a grader error, never a grade), not the machine.
GRADING_MEMORY_BYTES = 4 * 1024**3
HOPELESS_PATIENCE_SECONDS = 10.0  # how long live mode waits for a consumer run the static checks say cannot come


def grade_job(job: Job, progress: ProgressWriter) -> None:
    _bound_own_memory()
    jail = _jail(job)
    try:
        _grade(job, progress, jail)
    finally:
        if jail is not None:
            reap(jail.uid)  # whatever a child left behind, however it got out of its namespace
            sweep_files(jail.uid)  # and what it wrote where anyone may write (container tier)
            if jail.group is not None:
                jail.group.remove()


def _grade(job: Job, progress: ProgressWriter, jail: Jail | None) -> None:
    course = load_exercise(job.exercise_id, Path(job.course_file) if job.course_file else None)
    home = Path(job.home)
    # Imported before the parse child's fork: it inherits them, and this side needs them to read
    # its result. Until the parse phase starts, a timeout is the grader's, not the learner's code.
    import airflow.dag_processing.dagbag  # noqa: F401
    import airflow.serialization.serialized_objects  # noqa: F401

    from exercise_cli.grading_process.loading import load_submission

    loaded_modules.refresh()  # once here, not in each sandboxed child (the warm process has done most of it)
    progress.phase("parse")

    # While the parse child works, build what running the DAGs needs (no thread: children are forked).
    sub = load_submission(job, course, jail, meanwhile=prepare_run if job.mode == "full" else None)
    if job.live:
        from exercise_cli.scenario.rest import add_deployment_errors

        add_deployment_errors(sub, job.live.get("import_errors") or {})
    static = evaluate(course, sub, kinds={"static", "quiz"})
    write_results(home / STATIC_RESULTS_FILE, static)
    progress.send(StaticDone())
    if job.mode != "static":
        reason = why_not_run(sub)
        if reason:
            sub.dynamic_skip_reason = reason
        else:
            sub.run = RunFacts()  # filled step by step
            if job.mode == "live":
                _run_live(job, sub, static, progress)
            else:
                _run_local(job, sub, progress, jail)
    progress.phase("report")
    final = {**static, **evaluate(course, sub, kinds={"dynamic"}, earlier=static)}
    write_results(home / FINAL_RESULTS_FILE, final)


def _run_local(job: Job, sub: Submission, progress: ProgressWriter, jail: Jail | None) -> None:
    from exercise_cli.grading_process.local_backend import LocalBackend

    log_dir = Path(job.home) / TASK_LOG_DIR
    log_dir.mkdir(exist_ok=True)
    loaded_modules.refresh()  # what running the DAGs loaded, before the task children are forked
    run_scenario(sub.exercise, sub, LocalBackend(sub, progress, log_dir, jail, job.task_timeout), progress, sub.run)


def _run_live(job: Job, sub: Submission, static: dict[str, dict], progress: ProgressWriter) -> None:
    from exercise_cli.airflow_rest import AirflowApi  # httpx: live mode's alone
    from exercise_cli.scenario.rest import RestBackend

    live = job.live or {}
    api = AirflowApi(live["url"], token=live["token"])
    wait = float(live["wait"])
    # A consumer run the static checks say cannot come is not waited for long.
    hopeless = cannot_be_triggered(sub.exercise, static)
    backend = RestBackend(api, sub, progress, wait, float(live["poll"]), import_errors=live.get("import_errors") or {},
                          trigger_patience=min(wait, HOPELESS_PATIENCE_SECONDS) if hopeless else None)
    try:
        run_scenario(sub.exercise, sub, backend, progress, sub.run)
    finally:
        api.http.close()


def prepare_run() -> None:
    """Import and build what running the DAGs needs (the warm process does it once for all its children)."""
    import airflow.dag_processing.collection  # noqa: F401
    import airflow.executors.workloads  # noqa: F401
    import airflow.jobs.scheduler_job_runner  # noqa: F401
    import airflow.sdk.execution_time.supervisor  # noqa: F401
    import airflow.sdk.execution_time.task_runner  # noqa: F401
    from sqlalchemy.orm import configure_mappers

    from exercise_cli.grading_process import execution_api

    configure_mappers()  # else the first query pays for it (0.3 s)
    execution_api.build()


def _jail(job: Job) -> Jail | None:
    if job.sandbox is None:
        return None
    spec = dict(job.sandbox)
    limits = Limits(**spec.pop("limits", {}))
    group, _ = cgroup.create(limits.memory_bytes, limits.processes)  # where none can be made, rlimits bound alone
    return Jail(scratch=spec["scratch"], hidden=tuple(spec["hidden"]), readable=tuple(spec["readable"]), limits=limits,
                course=course_folders(job.course_file),
                uid=spec["uid"], tier=spec["tier"], group=group)


def _bound_own_memory() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > GRADING_MEMORY_BYTES:
        resource.setrlimit(resource.RLIMIT_AS, (GRADING_MEMORY_BYTES, hard))
