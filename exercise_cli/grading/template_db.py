"""A migrated Airflow metadata DB kept in the user's cache, copied into each throwaway home.

Migrating takes seconds; copying a file takes milliseconds. The template is keyed by the
installed Airflow version, built in a temporary folder and moved into place atomically, so
parallel checks never see a half-written file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

from exercise_cli.errors import EnvironmentProblem
from exercise_cli.grading.process import airflow_env, signal_group, spawn_python

TEMPLATE_NAME = "airflow.db"


def airflow_version() -> str:
    try:
        return metadata.version("apache-airflow-core")
    except metadata.PackageNotFoundError as exc:
        raise EnvironmentProblem("Apache Airflow is not installed in this Python environment") from exc


def cache_root() -> Path:
    override = os.environ.get("EXERCISE_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("airflow-exercise"))


def template_path() -> Path:
    return cache_root() / f"airflow-{airflow_version()}" / TEMPLATE_NAME


def ensure_template(timeout: float = 300.0) -> Path:
    target = template_path()
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-", dir=target.parent) as build:
        home = Path(build)
        env = airflow_env(home, home / "dags")
        proc = spawn_python(["-m", "airflow", "db", "migrate"], home, env, stderr=subprocess.STDOUT)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            signal_group(proc.pid, signal.SIGKILL)
            proc.wait()
            raise EnvironmentProblem(f"`airflow db migrate` did not finish in {timeout:g} s") from None
        built = home / TEMPLATE_NAME
        if proc.returncode != 0 or not built.exists():
            last = output.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise EnvironmentProblem(f"`airflow db migrate` failed (exit {proc.returncode}): {last[0]}")
        os.replace(built, target)
    return target


def copy_template_into(home: Path) -> None:
    shutil.copyfile(ensure_template(), home / TEMPLATE_NAME)
