"""Capture everything a task writes to stdout and stderr, at the file-descriptor level.

Tasks run in this process (Airflow's in-process task runner), so their prints and Airflow's
log lines go to fds 1 and 2. Redirecting the fds also catches subprocesses and C extensions.
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# Airflow's console log line: "2026-11-23T22:07:52.444280Z [info     ] message [logger] loc=x.py:1 k=v"
_LOG_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}T[\d:.]+Z? \[\s*\w+\s*\] ")
# After the prefix: the event, then the logger in brackets, then "loc=..." and key=value pairs.
# The event may hold brackets of its own, so the logger is the last bracket before loc=.
_LOG_BODY = re.compile(r"^(?P<event>.*)\s+\[(?P<logger>[^\]\s]+)\](?= .*\bloc=\S+)")
# Loggers whose lines are Airflow's bookkeeping, not the task's own output.
_AIRFLOW_OWN = ("airflow.api_fastapi", "airflow.models", "airflow.serialization", "airflow.sdk.definitions",
                "airflow.dag_processing", "airflow.executors", "airflow.jobs", "airflow.sdk.execution_time")
_AIRFLOW_EXACT = ("task", "py.warnings", "airflow.task.hooks")
# The returned value of a task is logged by Airflow and counts as the task's output.
_RETURNED = "Done. Returned value was:"


@contextmanager
def captured_fds(path: Path) -> Iterator[None]:
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(path, "wb") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def task_output(raw: str) -> str:
    """The task's own lines: prints as they are, log lines without Airflow's prefix and suffix."""
    kept = []
    for line in raw.splitlines():
        prefix = _LOG_PREFIX.match(line)
        if not prefix:
            kept.append(line)
            continue
        body = line[prefix.end():]
        match = _LOG_BODY.match(body)
        if not match:
            kept.append(body.strip())
        elif is_task_own(match["logger"], match["event"].strip()):
            kept.append(match["event"].strip())
    return "\n".join(kept)


def is_task_own(logger: str, event: str) -> bool:
    if event.startswith(_RETURNED) or logger.startswith("airflow.task"):
        return True
    return logger not in _AIRFLOW_EXACT and not logger.startswith(_AIRFLOW_OWN)


def read_tail(path: Path, limit: int = 1_000_000) -> str:
    """At most `limit` bytes from the end of a capture file: a task may print gigabytes."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - limit))
            return f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
