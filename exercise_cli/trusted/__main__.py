"""Entry point of the grading child: `python -m exercise_cli.trusted JOB_FILE`."""

from __future__ import annotations

import os
import sys


def main() -> None:
    run_job(sys.argv[1])


def run_job(job_path: str) -> None:
    from exercise_cli.trusted.protocol import Job, ProgressWriter

    job = Job.read(job_path)
    progress = ProgressWriter(job.home)
    progress.phase("import_airflow")
    from exercise_cli.trusted.grading import grade

    grade(job, progress)
    progress.emit("done")
    sys.stdout.flush()
    sys.stderr.flush()
    # Airflow's interpreter shutdown (threads, atexit hooks) takes seconds and adds nothing here.
    os._exit(0)


if __name__ == "__main__":
    main()
