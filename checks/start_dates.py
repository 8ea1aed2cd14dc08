"""start_dates: every DAG of the exercise starts on its start date (2024-01-01), in the DAG's own time zone."""

from __future__ import annotations

from datetime import date

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import failed, join_and, passed


def check(sub: Submission) -> CheckResult:
    wanted = date.fromisoformat(sub.exercise.start_date)
    dags = [dag for _, dag in sub.found()]
    for dag in dags:
        start = dag.start_date
        local = start.in_timezone(dag.timezone) if start is not None else None  # the date as the learner wrote it
        if local is None or local.date() != wanted:
            return failed(
                f"{dag.dag_id} has start_date={local.isoformat() if local else None}, wanted {wanted.isoformat()}",
                file=sub.dag_file(dag),
                line=sub.dag_line(dag, "start_date"),
            )
    names = join_and([d.dag_id for d in dags])
    return passed(f"{names} start{'s' if len(dags) == 1 else ''} on {wanted.isoformat()}")
