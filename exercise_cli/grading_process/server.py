"""A warm grading process that forks one child per submission: `python -m exercise_cli.grading_process.server`.

Importing Airflow and building its in-process Execution API cost seconds; a process that pays
them once and then forks a child per submission gives each child that head start, while the
grading child still owns its own session, home and database, and runs no learner code. Used by
`exercise watch`, `exercise grade` and the user's grading server (exercise_cli/server/daemon.py).

Protocol, one JSON object per line: stdin gets {"job": path, "env": {...}}; stdout answers
{"started": pid} for each job, {"exit": pid, "code": n} when a child ends, {"ready": true} first.
At fork time this process has no threads and no open database connection.

One child is always forked ahead (the spare), in a session of its own, waiting on a pipe for its job:
a job is handed to it and answered at once, and the next spare is forked after the answer, so no
check waits for a fork. A spare whose pipe closes unused (this process ended, however) exits.
"""

from __future__ import annotations

import gc
import json
import os
import select
import sys


def _warm_up() -> None:
    import airflow.dag_processing.dagbag  # noqa: F401
    import airflow.models.asset  # noqa: F401

    import exercise_cli.grading_process.local_backend  # noqa: F401
    from exercise_cli.grading_process.execution_api import read_endpoint_sources
    from exercise_cli.grading_process.job import prepare_run

    prepare_run()  # builds the Execution API's app, not its transport: that starts a thread, which a fork would lose
    read_endpoint_sources()
    _import_what_a_check_imports()
    _parse_reference_solution()
    _import_scheduler_step()
    from exercise_cli.grading_process.rehearsal import rehearse
    from exercise_cli.grading_process.throwaway_db import release_connections, share_engine
    from exercise_cli.sandbox import loaded_modules

    share_engine()  # each child opens its own DB through this process's engine, and finds what it compiled
    rehearse()  # grades the reference solution once here: what Airflow does once per process, done for every child
    loaded_modules.refresh()
    release_connections()
    # What is loaded now is kept for the process's life: the collector leaves it out of every pass (in
    # this process and in each child, whose passes would otherwise walk, and so copy, all its pages).
    gc.collect()
    gc.freeze()


def _import_what_a_check_imports() -> None:
    """What each check imported for itself (about 0.08 s a check, py-spy): the course's check modules
    (trusted, as the tool is), the submission's reader, and what the Execution API's transport and
    its first request load (a2wsgi, anyio's asyncio backend) and a task's outlets (asset metadata)."""
    import importlib

    import exercise_cli.grading_process.loading  # noqa: F401
    from exercise_cli.checks import check_module
    from exercise_cli.course import CourseError, load_course

    try:
        exercises = load_course().exercises()
    except CourseError:
        exercises = []  # a broken course file: each check says so itself
    for exercise in exercises:
        for spec in exercise.checks:
            check_module(spec.id, exercise)
    for name in ("a2wsgi", "anyio._backends._asyncio", "airflow.sdk.definitions.asset.metadata"):
        importlib.import_module(name)


def _parse_reference_solution() -> None:
    """Parse our own reference solution once (trusted code), so what a DAG file pulls in is imported here."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.serialized_objects import DagSerialization

    from exercise_cli.checks import hourly_runs
    from exercise_cli.course import load_exercise

    bag = DagBag(dag_folder=str(load_exercise().solution_dir))
    for dag in bag.dags.values():
        hourly_runs(DagSerialization.from_dict(DagSerialization.to_dict(dag)), count=2)


def _import_scheduler_step() -> None:
    """What the scheduler's run-creation step loads on its first use in a process: the executor it
    instantiates (whose module imports Airflow's CLI config) and the metrics registry its first Stats call
    reads from a YAML file (pure-Python yaml, 0.14 s on a quiet machine). Loaded here, every child has them."""
    import airflow.jobs.scheduler_job_runner  # noqa: F401
    import airflow.serialization.definitions.mappedoperator  # noqa: F401
    from airflow._shared.observability.metrics import stats
    from airflow.executors.executor_loader import ExecutorLoader

    ExecutorLoader.import_default_executor_cls()
    stats._get_registry()


def _fork_spare() -> tuple[int, int]:
    """A grading child forked ahead of its job: (its pid, the pipe to hand it the job on)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        request = b""
        try:
            os.close(write_fd)
            os.setsid()
            request = _read_all(read_fd)
            if request:
                _child(json.loads(request))
        finally:
            os._exit(70 if request else 0)
    os.close(read_fd)
    return pid, write_fd


def _read_all(fd: int) -> bytes:
    data = b""
    while chunk := os.read(fd, 65536):
        data += chunk
    os.close(fd)
    return data


def _hand_over(spare: tuple[int, int], line: bytes) -> int | None:
    """Give the spare its job (the pipe is closed after it: the spare reads to its end); None if it died."""
    pid, fd = spare
    try:
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view):]
        return pid
    except BrokenPipeError:
        return None
    finally:
        os.close(fd)


def _child(request: dict) -> None:
    job_path = request["job"]
    env = request["env"]
    home = env["AIRFLOW_HOME"]
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "worker.out"), (2, "worker.err")):
        out = os.open(os.path.join(home, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, fd)
        os.close(out)
    os.chdir(home)
    # This submission's Airflow: its home, database and DAG folder, read again from the environment.
    for key in [k for k in os.environ if k.startswith("AIRFLOW")]:
        del os.environ[key]
    os.environ.update(env)
    from airflow import settings

    from exercise_cli.grading_process.throwaway_db import open_own_file

    settings.configure_vars()
    open_own_file()
    from exercise_cli.grading_process.__main__ import run_job

    run_job(job_path)


def main() -> None:
    # The protocol gets the real stdout to itself; anything printed (Airflow's logs) goes to stderr.
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    _warm_up()
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    children: set[int] = set()
    spare = _fork_spare()
    buffer = b""
    stdin = sys.stdin.fileno()
    open_input = True
    while open_input or children:
        readable, _, _ = select.select([stdin] if open_input else [], [], [], 0.02)
        if readable:
            chunk = os.read(stdin, 65536)
            if not chunk:
                open_input = False
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if not line.strip():
                    continue
                json.loads(line)  # the CLI's own line: a bad one ends this process, as it did before any spare
                # a spare killed from outside: one forked now takes the job; if none can, this process ends and
                # the CLI grades the job again in a new one
                pid = _hand_over(spare, line) or _hand_over(_fork_spare(), line)
                if pid is None:
                    raise SystemExit("no forked child took the job")
                children.add(pid)
                out.write(json.dumps({"started": pid}) + "\n")
                out.flush()
                spare = _fork_spare()
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                break
            if pid == 0:
                break
            children.discard(pid)
            code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            out.write(json.dumps({"exit": pid, "code": code}) + "\n")
            out.flush()
    os.close(spare[1])  # the spare ends, unused
    try:
        os.waitpid(spare[0], 0)
    except ChildProcessError:  # it died before, and the loop above reaped it
        pass


if __name__ == "__main__":
    main()
