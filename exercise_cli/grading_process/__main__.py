"""Entry point of the grading child: `python -m exercise_cli.grading_process JOB_FILE`."""

from __future__ import annotations

import os
import sys

GRADER_ERROR = 3  # exit code of a grading process that could not grade (the reason is in its progress file)


def main() -> None:
    run_job(sys.argv[1])


def run_job(job_path: str) -> None:
    from exercise_cli.protocol import Done, GraderError, Job, ProgressWriter

    job = Job.read(job_path)
    progress = ProgressWriter(job.home)
    progress.phase("import_airflow")
    from exercise_cli.grading_process.job import grade_job
    from exercise_cli.grading_process.throwaway_db import skip_durability
    from exercise_cli.sandbox.jail import SandboxFailed

    skip_durability()

    try:
        grade_job(job, progress)
    except SandboxFailed as exc:  # the grader's problem: the CLI says so and grades nothing
        progress.send(GraderError(str(exc)))
        os._exit(GRADER_ERROR)
    progress.send(Done())
    sys.stdout.flush()
    sys.stderr.flush()
    # Airflow's interpreter shutdown (threads, atexit hooks) takes seconds and adds nothing here.
    os._exit(0)


if __name__ == "__main__":
    main()
