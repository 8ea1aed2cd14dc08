"""What Airflow loaded of a DAG, reduced to the terms the source states (facts.LoadedDag), read with Airflow's
own types from the scheduler's view (SerializedDAG), so the checks can compare the two."""

from __future__ import annotations

import os
import sysconfig
from typing import Any, Iterable

from exercise_cli.facts import LoadedDag, LoadedTask, Shape, condition


def loaded_dag(dag: Any, data: dict, code_lines: dict[str, tuple] | None = None,
               copies: Iterable[str] = ()) -> LoadedDag:
    """`code_lines`: the parse child's claim of where each task's function starts, kept as a claim to check."""
    by_id = {task["__var"].get("task_id"): task["__var"] for task in data["dag"].get("tasks", [])
             if isinstance(task, dict) and isinstance(task.get("__var"), dict)}
    tasks = []
    for task in dag.tasks:
        function = _text(by_id.get(task.task_id, {}).get("python_callable_name"))
        file, line, code = ((code_lines or {}).get(task.task_id, ("", None)) + ("",))[:3]
        tasks.append(LoadedTask(task.task_id, _outlet_uris(task.outlets), function, file, line, _code_in(file, set(copies)),
                                code))
    return LoadedDag(dag.dag_id, schedule_shape(dag.timetable), tuple(tasks))


def _code_in(file: str, copies: set[str]) -> str:
    """Whose file a function's code claims to be in, decided by its path alone (nothing is opened)."""
    if not file:
        return ""
    if file in copies:
        return "submission"
    if file.startswith(_GRADER + "/"):  # the course's own files (its solutions) are not a library
        return "elsewhere"
    if os.path.isabs(file) and file.endswith(".py") and os.path.normpath(file) == file \
            and any(file.startswith(root.rstrip("/") + "/") for root in _library_roots()):
        return "library"
    return "elsewhere"


_GRADER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the installed exercise_cli package


def _library_roots() -> set[str]:
    paths = sysconfig.get_paths()
    return {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}


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
