"""Questions asked of Airflow's own objects: the scheduler's view of a DAG (SerializedDAG).

The trusted side never holds the Task SDK's DAG objects: it holds what the parse child sent,
deserialized as the scheduler deserializes it, with core timetables and serialized assets.
"""

from __future__ import annotations

from typing import Any


def outlet_assets(dag: Any) -> list[tuple[Any, Any]]:
    """(task, Asset) for every Asset a task of the DAG lists in its outlets."""
    from airflow.serialization.definitions.assets import SerializedAsset

    return [(task, outlet) for task in dag.tasks for outlet in task.outlets if isinstance(outlet, SerializedAsset)]


def hourly_runs(dag: Any, count: int = 48) -> list[Any]:
    """The first `count` run times the scheduler would give this DAG from its start date."""
    return run_times(dag.timetable, dag.start_date, count)


def cron_runs(cron: str, dag: Any, count: int = 48) -> list[Any]:
    """The first `count` run times a cron expression or preset gives, from this DAG's start date in its time zone."""
    from airflow.timetables.trigger import CronTriggerTimetable

    return run_times(CronTriggerTimetable(cron, timezone=dag.timezone), dag.start_date, count)


def not_a_cron(schedule: str) -> bool:
    """Whether Airflow rejects this schedule string as a cron expression or preset (as it validates a DAG)."""
    from airflow.exceptions import AirflowTimetableInvalid
    from airflow.timetables.trigger import CronTriggerTimetable

    if schedule in ("@once", "@continuous"):  # presets with timetables of their own
        return False
    try:
        CronTriggerTimetable(schedule, timezone="UTC").validate()
    except (AirflowTimetableInvalid, ValueError):
        return True
    return False


def run_times(timetable: Any, start: Any, count: int) -> list[Any]:
    from airflow.timetables.base import DataInterval, TimeRestriction

    restriction = TimeRestriction(earliest=start, latest=None, catchup=True)
    runs = []
    last: DataInterval | None = None
    for _ in range(count):
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
        if info is None:
            break
        runs.append(info.run_after)
        last = info.data_interval
    return runs
