"""One module per check of exercise 5.1. Each exposes `check(sub: Submission) -> Outcome`.

The module name is the check id from exercise_cli/data/exercise.toml. Checks run in the trusted
grading process, on Airflow's serialized DAGs (the scheduler's view) and the learner's source read
as a syntax tree. They decide only: the runner (exercise_cli/trusted/grading.py) skips a check
whose `requires` did not pass, whose run did not happen, or whose DAG (`needs`) is not there yet.
"""

from __future__ import annotations

import importlib

from ._support import Outcome, Submission


def run_check(check_id: str, sub: Submission) -> Outcome:
    module = importlib.import_module(f"{__name__}.{check_id}")
    return module.check(sub)
