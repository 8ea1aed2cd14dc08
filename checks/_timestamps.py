"""Timestamps written by a task, compared with the time the task ran."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_SLACK = timedelta(minutes=2)


def timestamps_within(text: str, started: float, ended: float, local: tzinfo | None = None) -> list[str]:
    """ISO-like timestamps in `text` that fall in [started, ended], give or take two minutes.

    A naive timestamp counts when it matches the run time in UTC or in `local`, the machine's zone
    (SourceFacts.local_zone, read on the trusted side: a check reads no clock).
    """
    start = datetime.fromtimestamp(started, timezone.utc) - _SLACK
    end = datetime.fromtimestamp(ended, timezone.utc) + _SLACK
    found = []
    for match in _ISO.finditer(text):
        raw = match.group(0)
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            continue
        candidates = [value] if value.tzinfo else [value.replace(tzinfo=zone) for zone in (timezone.utc, local) if zone]
        if any(start <= c <= end for c in candidates):
            found.append(raw)
    return found


def first_stamped_line(lines: list[str], started: float, ended: float, local: tzinfo | None = None) -> str | None:
    """The first output line that holds a timestamp from the time the task ran."""
    return next((line for line in lines if timestamps_within(line, started, ended, local)), None)
