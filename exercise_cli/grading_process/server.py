"""A warm grading process that forks one child per submission: `python -m exercise_cli.grading_process.server`.

Importing Airflow and building its in-process Execution API cost seconds; a process that pays
them once and then forks a child per submission gives each child that head start, while the
grading child still owns its own session, home and database, and runs no learner code. Used by
`exercise watch` and `exercise grade`.

Protocol, one JSON object per line: stdin gets {"job": path, "env": {...}}; stdout answers
{"started": pid} for each job, {"exit": pid, "code": n} when a child ends, {"ready": true} first.
At fork time this process has no threads and no open database connection.
"""

from __future__ import annotations

import json
import os
import select
import sys


def _warm_up() -> None:
    import airflow.dag_processing.dagbag  # noqa: F401
    import airflow.models.asset  # noqa: F401
    from airflow import settings

    import exercise_cli.grading_process.local_backend  # noqa: F401
    from exercise_cli.grading_process.job import prepare_run

    prepare_run()  # builds the Execution API's app, not its transport: that starts a thread, which a fork would lose
    for name in ("checks", "checks._airflow", "checks._source"):
        __import__(f"exercise_cli.{name}")
    _parse_reference_solution()
    _import_scheduler_step()
    settings.dispose_orm(do_log=False)


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


def _child(request: dict) -> None:
    os.setsid()
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

    settings.configure_vars()
    settings.configure_orm()
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
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    try:
                        _child(request)
                    finally:
                        os._exit(70)
                children.add(pid)
                out.write(json.dumps({"started": pid}) + "\n")
                out.flush()
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


if __name__ == "__main__":
    main()
