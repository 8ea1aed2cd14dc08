"""The learner's DAG folder: hand out the starter without ever losing a file."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from exercise_cli.course import load_course, starter_file
from exercise_cli.errors import UsageError


def backup_name(path: Path, now: datetime | None = None) -> Path:
    """`x.py` -> `x.py.20261123-221500.bak`: no `.py` suffix, so neither Airflow nor the grader loads it."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{stamp}.bak")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{stamp}-{counter}.bak")
        counter += 1
    return candidate


def write_starter(folder: Path, force: bool = False) -> tuple[Path, Path | None]:
    """Write the starter into `folder`; returns (starter path, backup path if an old file was kept)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / load_course().starter
    backup = None
    if target.exists():
        if not force:
            raise FileExistsError(target)
        backup = backup_name(target)
        shutil.copy2(target, backup)
    shutil.copyfile(starter_file(), target)
    return target, backup
