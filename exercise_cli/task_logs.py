"""A task's log, as Airflow's supervisor writes it (JSON lines), read in the learner's terms.

The same records come back from a deployment's REST API (`.../logs/{try}`), so live mode
reads them with the same two functions. What they return is where a task's output and errors
enter the trusted side as learner text: cleaned there (exercise_cli.learner_text).
"""

from __future__ import annotations

from exercise_cli.learner_text import clean

# Loggers whose lines are Airflow's bookkeeping, not the task's own output.
_AIRFLOW_OWN = ("airflow.api_fastapi", "airflow.models", "airflow.serialization", "airflow.sdk.definitions",
                "airflow.dag_processing", "airflow.executors", "airflow.jobs", "airflow.sdk.execution_time",
                "airflow.stats", "supervisor")
_AIRFLOW_EXACT = ("task", "py.warnings", "airflow.task.hooks")
# The returned value of a task is logged by Airflow and counts as the task's output.
_RETURNED = "Done. Returned value was:"
OUTPUT_CHARS = 1024 * 1024  # a task's output as kept for the checks (its start and its end)


def _is_task_own(logger: str, event: str) -> bool:
    if event.startswith(_RETURNED) or logger.startswith("airflow.task"):
        return True
    return logger not in _AIRFLOW_EXACT and not logger.startswith(_AIRFLOW_OWN)


def _record_is_task_own(record: dict) -> bool:
    """A record the task itself wrote: a print (3.1+: logger task.stdout; 3.0: task with chan), or its logging."""
    logger = str(record.get("logger") or "")
    event = str(record.get("event") or "")
    if not logger:  # Airflow's framing: "::group::Log message source details", the log file's path
        return False
    if logger in ("task.stdout", "task.stderr") or (logger == "task" and record.get("chan") in ("stdout", "stderr")):
        return True
    return _is_task_own(logger, event)


def task_output(records: list[dict]) -> str:
    """The task's own lines: what it printed and logged, then the value it returned.

    The supervisor stamps prints when they reach it, after the task's own log records (the
    returned value among them), so the log's order is not the task's: the value goes last.
    """
    own = [str(r["event"]) for r in records if isinstance(r.get("event"), str) and _record_is_task_own(r)]
    ordered = [line for line in own if not line.startswith(_RETURNED)] + [line for line in own if line.startswith(_RETURNED)]
    return clean("\n".join(ordered), OUTPUT_CHARS)


def error_of(records: list[dict]) -> tuple[str, str]:
    """(traceback text, "ExcType: message") of the exception the task failed with, from Airflow's record, cleaned."""
    text, summary = _error_of(records)
    return clean(text), clean(summary, 2000)


def _error_of(records: list[dict]) -> tuple[str, str]:
    for record in reversed(records):
        details = record.get("error_detail") or record.get("exception")
        if not details:
            continue
        if isinstance(details, list) and details and isinstance(details[-1], dict):
            text = _traceback_text(details)
            last = details[-1]
            return text, f"{last.get('exc_type', 'Exception')}: {last.get('exc_value', '')}".rstrip(": ")
        if isinstance(details, str):
            lines = [line for line in details.strip().splitlines() if line.strip()]
            return details, (lines[-1].strip() if lines else "")
    return "", ""


def _traceback_text(details: list[dict]) -> str:
    lines = []
    for exc in details:
        for frame in exc.get("frames") or []:
            lines.append(f'  File "{frame.get("filename")}", line {frame.get("lineno")}, in {frame.get("name")}')
        lines.append(f"{exc.get('exc_type')}: {exc.get('exc_value')}")
    return "\n".join(lines)
