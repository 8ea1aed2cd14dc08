"""The records the scenario's facts are made of, built here alone: whichever backend read them (the
metadata DB's rows or a deployment's REST answers), the checks see the same shapes."""

from __future__ import annotations

import json
from typing import Any

from exercise_cli.facts import DagRunFacts, TaskRun
from exercise_cli.learner_text import MAX_CHARS


def value(enum_or_str: Any) -> str:
    """An Airflow enum's value (DagRunState.SUCCESS -> "success"), or the string as it came."""
    return str(getattr(enum_or_str, "value", enum_or_str))


def registration(in_db: bool, is_stale: bool | None, serialized: bool) -> dict:
    """How a DAG stands in the metadata DB (RunFacts.registered)."""
    return {"in_db": in_db, "is_stale": is_stale, "serialized": serialized}


def import_error(filename: str | None, error: str) -> dict:
    return {"filename": filename, "error": error}


def event(id: Any, uri: str | None, source_dag_id: str | None, source_task_id: str | None,
          source_run_id: str | None, timestamp: str | None, extra: Any = None,
          source_map_index: int | None = None) -> dict:
    """An asset event (RunFacts.events, DagRunFacts.consumed_events), with the extra its task attached."""
    return {
        "id": id,
        "uri": uri,
        "source_dag_id": source_dag_id,
        "source_task_id": source_task_id,
        "source_run_id": source_run_id,
        "source_map_index": source_map_index,
        "timestamp": timestamp,
        "extra": event_extra(extra),
    }


def event_extra(extra: Any) -> dict | None:
    """An event's extra as the checks see it: the learner's task wrote it, so only a JSON object of
    bounded size is kept (None otherwise: not an object, or larger than one kept learner text)."""
    if not isinstance(extra, dict):
        return {} if extra is None else None
    try:
        encoded = json.dumps(extra, default=str)
    except (TypeError, ValueError):
        return None
    return json.loads(encoded) if len(encoded) <= MAX_CHARS else None


def dag_run(dag_id: str, run_id: str, run_type: Any, state: Any, tasks: list[TaskRun] | None = None,
            consumed_events: list[dict] | None = None, note: str = "") -> DagRunFacts:
    return DagRunFacts(dag_id, run_id, value(run_type or ""), value(state or ""), list(tasks or []),
                       list(consumed_events or []), note)


def task_run(task_id: str, state: Any, output: str, started: float, ended: float, error: str | None = None,
             try_number: int | None = None) -> TaskRun:
    return TaskRun(task_id, value(state or "none"), output, started, ended, error, try_number=try_number)


def asset_record(id: Any, uri: str, name: str | None, active: bool, producing_tasks: list[tuple[str, str]],
                 scheduled_dags: list[str]) -> dict:
    """The Assets view's record of one Asset (RunFacts.asset_records)."""
    return {
        "id": id,
        "uri": uri,
        "name": name,
        "active": active,
        "producing_tasks": [{"dag_id": dag_id, "task_id": task_id} for dag_id, task_id in producing_tasks],
        "scheduled_dags": [{"dag_id": dag_id} for dag_id in scheduled_dags],
    }
