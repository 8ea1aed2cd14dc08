"""asset_schedule (exercise 5.4's own check): each producer's timetable gives the run times of its
DagSpec's schedule. An @asset DAG has no start date, so both are compared from the exercise's."""

from __future__ import annotations

from datetime import date

from exercise_cli.checks._airflow import run_times
from exercise_cli.checks._support import combined, failed, passed
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec, dag) for spec, dag in sub.found("producer")])


def _producer(sub: Submission, spec, dag) -> CheckResult:
    import pendulum
    from airflow.timetables.trigger import CronTriggerTimetable

    day = date.fromisoformat(sub.exercise.start_date)
    start = pendulum.datetime(day.year, day.month, day.day, tz=dag.timezone)  # the timetables want pendulum
    summary = getattr(dag.timetable, "summary", type(dag.timetable).__name__)
    file = sub.dag_file(dag)
    wanted = run_times(CronTriggerTimetable(spec.schedule, timezone=dag.timezone), start, 8)
    found = run_times(dag.timetable, start, 8)
    if found != wanted:
        shown = ", ".join(r.strftime("%Y-%m-%d %H:%M") for r in found[:3]) or "no run"
        return failed(f"{dag.dag_id} has schedule {summary}: from {start:%Y-%m-%d} it runs at {shown}; "
                      f"wanted schedule={spec.schedule!r}", file=file)
    return passed(f"{dag.dag_id} has schedule {summary}: the run times of {spec.schedule!r}", file)
