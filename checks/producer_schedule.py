"""producer_schedule: the producer's timetable fires every hour on the hour (asked of Airflow)."""

from __future__ import annotations

from datetime import timedelta

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._airflow import hourly_runs
from ._support import failed, passed


def check(sub: Submission) -> CheckResult:
    dag = sub.producer
    file, line = sub.dag_file(dag), sub.dag_line(dag, "schedule")
    summary = getattr(dag.timetable, "summary", "")
    written = sub.written(dag, "schedule") or repr(summary)
    if dag.start_date is None:
        return failed("the producer has no start_date, so Airflow schedules no run", file=file, line=line)
    runs = hourly_runs(dag)
    if len(runs) < 2:
        return failed(f"schedule={written} ({summary}) gives no recurring runs, wanted every hour", file=file, line=line)
    off_hour = next((r for r in runs if (r.minute, r.second, r.microsecond) != (0, 0, 0)), None)
    hourly = all(later - earlier == timedelta(hours=1) for earlier, later in zip(runs, runs[1:]))
    if off_hour is not None or not hourly:
        found = ", ".join(r.strftime("%Y-%m-%d %H:%M") for r in runs[:3])
        return failed(
            f"schedule={written} ({summary}) runs at {found}, ...; wanted every hour on the hour",
            file=file,
            line=line,
        )
    return passed(f"schedule={written} ({summary}): runs at {runs[0]:%H:%M}, {runs[1]:%H:%M}, ... every hour", file, line)
