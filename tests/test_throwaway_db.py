"""The grading process's metadata DB is a throwaway copy (exercise_cli/grading_process/throwaway_db.py):
its commits are atomic but not synced to disk, on every connection Airflow's engine opens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_OPEN = """
import sys
from sqlalchemy import create_engine, text
if sys.argv[1] == "throwaway":
    from exercise_cli.grading_process.throwaway_db import skip_durability
    skip_durability()
    skip_durability()  # once is enough: a second call adds no second listener
engine = create_engine("sqlite:///" + sys.argv[2])
with engine.connect() as one, engine.connect() as two:
    print(one.execute(text("PRAGMA synchronous")).scalar(), two.execute(text("PRAGMA synchronous")).scalar())
"""


def _synchronous(tmp_path: Path, mode: str) -> str:
    done = subprocess.run([sys.executable, "-c", _OPEN, mode, str(tmp_path / "airflow.db")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_every_connection_of_the_grading_process_skips_the_sync(tmp_path: Path) -> None:
    assert _synchronous(tmp_path, "throwaway") == "0 0"  # OFF


def test_sqlite_syncs_by_default(tmp_path: Path) -> None:
    assert _synchronous(tmp_path, "default") == "2 2"  # FULL: what the throwaway DB does without
