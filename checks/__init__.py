"""One module per check of exercise 5.1. Each exposes `check(sub: Submission) -> CheckResult`.

The module name is the check id from exercise_cli/data/exercise.toml. Checks run in the trusted
grading process, on Airflow's serialized DAGs (the scheduler's view) and the learner's source read
as a syntax tree. They decide only: the runner (exercise_cli/trusted/runner.py) skips a check
whose `requires` did not pass, whose run did not happen, whose DAG (`needs`) is not there yet,
or that reads a fact (its READS) this mode could not obtain. The facts: exercise_cli/facts.py.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType


def check_module(check_id: str) -> ModuleType:
    """The check's module: its `check(sub) -> CheckResult`, and READS if it reads a fact a mode may lack."""
    return importlib.import_module(f"{__name__}.{check_id}")
