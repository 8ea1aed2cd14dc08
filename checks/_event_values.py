"""Values that only a consumed asset event holds: a task that logs one of them read its events.

A URI is known before the run (the DAG file names it), so logging it proves nothing; an event's
timestamp and its source run id exist only once the producer ran, and reach the consumer only
through its triggering events.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ._timestamps import _ISO


def logged_event_value(output: str, events: list[dict]) -> str | None:
    """The first value of one of `events` that `output` holds (its source run id, or its timestamp as
    printed, to the second or finer), or None."""
    for event in events:
        run_id = event.get("source_run_id")
        if run_id and run_id in output:
            return f"source run id {run_id}"
    stamps = [stamp for stamp in (_parse(e.get("timestamp")) for e in events) if stamp is not None]
    if not stamps:
        return None
    for match in _ISO.finditer(output):
        printed = _parse(match.group(0))
        if printed is not None and any(_same_instant(printed, stamp) for stamp in stamps):
            return f"event timestamp {match.group(0)}"
    return None


def _parse(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # Airflow keeps event timestamps in UTC: a naive one printed by the task is read as UTC too
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _same_instant(printed: datetime, stamp: datetime) -> bool:
    # a task may print the timestamp to the second (strftime) rather than with its microseconds
    return printed == stamp or (printed.microsecond == 0 and printed == stamp.replace(microsecond=0))
