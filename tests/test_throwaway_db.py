"""The grading process's metadata DB is a throwaway copy (exercise_cli/grading_process/throwaway_db.py):
its commits are atomic but not synced to disk, on every connection Airflow's engine opens; a warm
process's children open their own copy through its engine; the warm process rehearses once
(exercise_cli/grading_process/rehearsal.py) and forks with no thread left."""

from __future__ import annotations

import os
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


_FORK = """
import os, sqlite3, sys
home, child_home = sys.argv[1], sys.argv[2]
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = "sqlite:///" + home + "/airflow.db"
from airflow import settings
from sqlalchemy import text
from exercise_cli.grading_process.throwaway_db import open_own_file, release_connections, share_engine
settings.configure_vars()
settings.configure_orm()
if sys.argv[3] == "shared":
    share_engine()
with settings.engine.begin() as connection:  # the warm process's own use of its engine: a statement compiled
    connection.execute(text("CREATE TABLE IF NOT EXISTS here (name TEXT)"))
release_connections()
engine = settings.engine
pid = os.fork()
if pid == 0:
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = "sqlite:///" + child_home + "/airflow.db"
    settings.configure_vars()
    open_own_file()
    with settings.engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS here (name TEXT)"))
        connection.execute(text("INSERT INTO here VALUES ('child')"))
    print("same engine" if settings.engine is engine else "own engine", flush=True)
    os._exit(0)
os.waitpid(pid, 0)
for where in (home, child_home):
    rows = sqlite3.connect(where + "/airflow.db").execute("SELECT name FROM here").fetchall()
    print(where == home and "warm" or "child", rows, flush=True)
"""


def _fork_and_write(tmp_path: Path, mode: str) -> list[str]:
    warm, child = tmp_path / "warm", tmp_path / "child"
    warm.mkdir()
    child.mkdir()
    done = subprocess.run([sys.executable, "-c", _FORK, str(warm), str(child), mode], capture_output=True, text=True,
                          timeout=120, env={k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()


def test_a_forked_child_writes_its_own_db_through_the_warm_engine(tmp_path: Path) -> None:
    assert _fork_and_write(tmp_path, "shared") == ["same engine", "warm []", "child [('child',)]"]


def test_without_a_shared_engine_a_child_makes_its_own(tmp_path: Path) -> None:
    assert _fork_and_write(tmp_path, "own") == ["own engine", "warm []", "child [('child',)]"]


_WARM_UP = """
import os, threading
from exercise_cli.grading_process import server
server._warm_up()
from airflow import settings
home = os.environ["AIRFLOW_HOME"]
print(len(settings.engine._compiled_cache), threading.active_count(), os.path.exists(os.path.join(home, "rehearsal")))
"""


def _warm_up(home: Path) -> tuple[int, int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(AIRFLOW_HOME=str(home), AIRFLOW__CORE__DAGS_FOLDER=str(home / "dags"), AIRFLOW__CORE__LOAD_EXAMPLES="False",
               AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home / 'airflow.db'}")
    done = subprocess.run([sys.executable, "-c", _WARM_UP], capture_output=True, text=True, timeout=300, env=env, cwd=home)
    assert done.returncode == 0, done.stderr[-3000:]
    compiled, threads, left = done.stdout.split()[-3:]
    return int(compiled), int(threads), left


def test_the_warm_process_rehearses_and_forks_with_no_thread_left(tmp_path: Path) -> None:
    from exercise_cli.grading.template_db import copy_template_into

    (tmp_path / "dags").mkdir()
    copy_template_into(tmp_path)
    compiled, threads, left = _warm_up(tmp_path)
    assert compiled > 50  # the statements a check runs, compiled once for every child
    assert threads == 1
    assert left == "False"  # the rehearsal's folder is gone


def test_without_a_db_template_the_warm_process_skips_its_rehearsal(tmp_path: Path) -> None:
    (tmp_path / "dags").mkdir()
    compiled, threads, _ = _warm_up(tmp_path)
    assert compiled == 0
    assert threads == 1
