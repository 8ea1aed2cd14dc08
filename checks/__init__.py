"""The checks: one module per check, each exposing `check(sub: Submission) -> CheckResult`.

The module name is the check id of the exercise's data (data/<folder>/exercise.toml). Checks shared
by exercises live here; an exercise's own checks live in checks/<folder>/ and are found there first.
Checks run in the trusted grading process, on Airflow's serialized DAGs (the scheduler's view) and
the facts gathered once from the learner's source (Submission.source): they open no file and read no
clock. A check about a role checks every DAG of that role the exercise has. They decide only: the runner
(exercise_cli/verdicts.py) skips a check whose `requires` did not pass, whose run did not
happen, whose DAG (`needs`) is not there yet, or that reads a fact (its READS) this mode could not
obtain. The facts: exercise_cli/facts.py.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import TYPE_CHECKING

# The helpers other packages use (the runner, the scenario, the grading process's warm-up): the modules
# named _x are this package's own, so what leaves it leaves through here.
from ._airflow import hourly_runs
from ._errors import exception_line, last_frame_in
from ._support import not_run, skipped

__all__ = ["check_module", "exception_line", "hourly_runs", "last_frame_in", "not_run", "skipped"]

if TYPE_CHECKING:
    from types import ModuleType

    from exercise_cli.course import Exercise


def check_module(check_id: str, exercise: Exercise | None = None) -> ModuleType:
    """The check's module: the exercise's own (checks/<folder>/<id>.py) if it has one, else the shared one."""
    if exercise is not None:
        own = exercise.checks_dir / f"{check_id}.py"
        if own.is_file():
            return _own_module(f"{__name__}.{exercise.folder}.{check_id}", own)
    return importlib.import_module(f"{__name__}.{check_id}")


def _own_module(name: str, path) -> ModuleType:
    # Loaded by path: an exercise's folder need not be a package, and an instructor's course
    # (--course) keeps its checks outside this tool. Course code is trusted, as the tool is.
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
