"""The warm process's rehearsal: it grades our own reference solution once, in itself, before it forks.

Much of a check's time in Airflow is spent once per process, on first use: SQLAlchemy compiling each
statement (the register step, the scheduler's, every Execution API route), FastAPI and pydantic
building what a route needs on its first request. A grading child forked from a process that has
graded once finds all of it done: the warm process rehearses a full check of the course's default
exercise, on its own copy of the DB template, with plain (unsandboxed) children: it is the tool's
own code, as trusted as the tool, and no learner's code runs here, ever.

Then it puts away what must not cross a fork: the Execution API's event loop and its threads (the
in-process transport is dropped, which stops them), open sessions and pooled connections. A
rehearsal that cannot run (no DB template beside the warm process, a broken course) is skipped:
the children are as they were without it, slower, never wrong. One that leaves a thread running
stops the warm process, whose callers then grade in fresh processes.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import threading
import time
from pathlib import Path

_THREADS_STOP_SECONDS = 5.0


def rehearse() -> bool:
    """Grade the reference solution here once; whether it ran."""
    home = Path(os.environ.get("AIRFLOW_HOME", ""))
    if not home.is_absolute() or not (home / "airflow.db").is_file():
        return False
    stage = home / "rehearsal"
    try:
        job = _job(stage)
        if job is None:
            return False
        from exercise_cli.grading_process.job import grade_job
        from exercise_cli.grading_process.throwaway_db import release_connections, skip_durability
        from exercise_cli.protocol import ProgressWriter

        skip_durability()
        try:
            grade_job(job, ProgressWriter(job.home))
        finally:
            _stop_execution_api()
            release_connections()
    except Exception as exc:  # noqa: BLE001 - a rehearsal that fails costs its children speed, never a verdict
        print(f"the warm process's rehearsal failed, its children start cold: {type(exc).__name__}: {exc}", file=sys.stderr)
        return False
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return True


def _job(stage: Path):
    from exercise_cli.course import CourseError, load_exercise
    from exercise_cli.protocol import Job

    try:
        exercise = load_exercise()
    except CourseError:
        return None
    stage.mkdir(mode=0o700)
    dags = stage / "dags"
    dags.mkdir()
    copies = {}
    for source in sorted(Path(exercise.solution_dir).glob("*.py")):
        if source.name != "__init__.py":
            shutil.copyfile(source, dags / source.name)
            copies[str(dags / source.name)] = source.name
    if not copies:
        return None
    return Job(mode="full", home=str(stage), dags_folder=str(dags), learner_paths=copies, task_timeout=20.0,
               timeout=60.0, deadline=time.time() + 60.0, exercise_id=exercise.id)


def _stop_execution_api() -> None:
    """Drop the in-process transport (its finalizer ends the app's lifespan, stops its loop and joins its
    thread), then wait for the threads that served the rehearsal's requests to end."""
    from exercise_cli.grading_process.execution_api import stop_transport

    stop_transport()
    gc.collect()
    deadline = time.monotonic() + _THREADS_STOP_SECONDS
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
    left = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if left:
        raise SystemExit(f"the rehearsal left threads running, which a fork would lose: {', '.join(left)}")
