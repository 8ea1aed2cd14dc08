"""What Airflow loaded of a DAG, reduced to the terms the source states (facts.LoadedDag), read with Airflow's
own types from the scheduler's view (SerializedDAG), so the checks can compare the two."""

from __future__ import annotations

from typing import Any

from exercise_cli.facts import LoadedDag, LoadedTask, Shape, condition


def loaded_dag(dag: Any, data: dict) -> LoadedDag:
    by_id = {task["__var"].get("task_id"): task["__var"] for task in data["dag"].get("tasks", [])
             if isinstance(task, dict) and isinstance(task.get("__var"), dict)}
    tasks = tuple(LoadedTask(task.task_id, _outlet_uris(task.outlets), _text(by_id.get(task.task_id, {}).get("python_callable_name")))
                  for task in dag.tasks)
    return LoadedDag(dag.dag_id, schedule_shape(dag.timetable), tasks)


def schedule_shape(timetable: Any) -> Shape:
    from airflow.timetables.simple import AssetTriggeredTimetable, NullTimetable

    if type(timetable) is NullTimetable:
        return ("none",)
    if type(timetable) is AssetTriggeredTimetable:
        return condition_shape(timetable.asset_condition)
    if isinstance(timetable, (AssetTriggeredTimetable, NullTimetable)):  # Assets or a time, partitioned, ...
        return (type(timetable).__name__,)
    return ("time",)


def condition_shape(node: Any) -> Shape:
    from airflow.serialization.definitions.assets import SerializedAsset, SerializedAssetAll, SerializedAssetAny

    if type(node) is SerializedAsset:
        return ("asset", node.uri)
    if isinstance(node, (SerializedAssetAll, SerializedAssetAny)):
        kind = "all" if isinstance(node, SerializedAssetAll) else "any"
        return condition(kind, [condition_shape(part) for part in node.objects])
    return (type(node).__name__,)  # a reference or an alias: never what a literal Asset states


def _outlet_uris(outlets: list) -> tuple[str, ...] | None:
    from airflow.serialization.definitions.assets import SerializedAsset

    if any(type(outlet) is not SerializedAsset for outlet in outlets):
        return None
    return tuple(sorted({outlet.uri for outlet in outlets}))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
