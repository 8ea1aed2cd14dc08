"""producer_schedule: each producer's timetable is its DagSpec's schedule (asked of Airflow).

5.1's producer runs every hour on the hour; 5.2's producers have schedule=None: they run only when
triggered (the scenario triggers them). Any other cron expression or preset is compared run by run.
"""

from __future__ import annotations

from datetime import timedelta

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._airflow import cron_runs, hourly_runs
from ._support import combined, failed, passed

HOURLY = ("@hourly", "0 * * * *")


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec, dag) for spec, dag in sub.found("producer")])


def _producer(sub: Submission, spec, dag) -> CheckResult:
    file, line = sub.dag_file(dag), sub.dag_line(dag, "schedule")
    summary = getattr(dag.timetable, "summary", "")
    if spec.schedule is None:
        written = sub.written(dag, "schedule") or "None"
        if type(dag.timetable).__name__ == "NullTimetable":
            return passed(f"schedule={written}: {dag.dag_id} runs only when triggered", file, line)
        return failed(f"{dag.dag_id} has schedule={written} ({summary}), wanted schedule=None: it runs only when "
                      "triggered, by hand or by the exercise's scenario", hint="schedule=None", file=file, line=line)
    written = sub.written(dag, "schedule") or repr(summary)
    if dag.start_date is None:
        return failed("the producer has no start_date, so Airflow schedules no run", file=file, line=line)
    runs = hourly_runs(dag)
    if spec.schedule not in HOURLY:
        return _as_specified(spec.schedule, dag, runs, written, summary, file, line)
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


def _as_specified(cron: str, dag, runs: list, written: str, summary: str, file, line) -> CheckResult:
    wanted = cron_runs(cron, dag)
    if runs == wanted:
        return passed(f"schedule={written} ({summary}): runs at the times of {cron!r}", file, line)
    found = ", ".join(r.strftime("%Y-%m-%d %H:%M") for r in runs[:3]) or "no time"
    return failed(f"schedule={written} ({summary}) runs at {found}, ...; wanted schedule={cron!r}", file=file, line=line)
