"""One module per check of exercise 5.1. Each exposes `check(sub: Submission) -> Outcome`.

The module name is the check id from exercise_cli/data/exercise.toml. Checks run inside the
grading child process, where the learner's DAGs are loaded by Airflow's DagBag.
"""

from __future__ import annotations

import importlib

from ._support import Outcome, Submission


def run_check(check_id: str, sub: Submission) -> Outcome:
    module = importlib.import_module(f"{__name__}.{check_id}")
    return module.check(sub)
