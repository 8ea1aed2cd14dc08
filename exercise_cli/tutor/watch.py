"""`exercise watch`: re-check whenever a .py file under the DAG folder is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from watchfiles import watch


def python_files_changed(change: object, path: str) -> bool:
    return path.endswith(".py")


def watch_and_check(path: Path, check: Callable[[], None], stop_event=None) -> None:
    """Run `check` once, then after every save of a .py file; returns on Ctrl-C or stop_event."""
    check()
    folder = path if path.is_dir() else path.parent
    for _changes in watch(folder, watch_filter=python_files_changed, stop_event=stop_event, debounce=300):
        check()
