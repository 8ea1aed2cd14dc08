"""A migrated Airflow metadata DB kept in the user's cache, copied into each throwaway home.

Migrating takes seconds; copying a file takes milliseconds. The template is keyed by the
installed Airflow version, built in a temporary folder and moved into place atomically, so
parallel checks never see a half-written file, and built by one check at a time (a file lock):
checks that start together wait for the first one's template instead of building their own.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Iterator

from exercise_cli.errors import EnvironmentProblem
from exercise_cli.exits import process_alive
from exercise_cli.grading.process import airflow_env, ensure_room, signal_group, spawn_python
from exercise_cli.install import cache_root

TEMPLATE_NAME = "airflow.db"


def airflow_version() -> str:
    try:
        return metadata.version("apache-airflow-core")
    except metadata.PackageNotFoundError as exc:
        raise EnvironmentProblem("Apache Airflow is not installed in this Python environment") from exc


def template_path() -> Path:
    return cache_root() / f"airflow-{airflow_version()}" / TEMPLATE_NAME


def ensure_template(timeout: float = 300.0) -> Path:
    """The template, built once: checks that start together wait on a file lock for the first one's build."""
    target = template_path()
    if target.exists():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _build_lock(target.parent):
            if target.exists():  # built while this one waited
                return target
            _remove_stale_builds(target.parent)
            _build(target, timeout)
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot build the metadata DB template in {target.parent}: {exc.strerror or exc} "
            "(set EXERCISE_CACHE_DIR to a writable folder with some free space)"
        ) from None
    return target


@contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on folder/build.lock (flock: released by the kernel if its holder dies)."""
    with open(folder / "build.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_stale_builds(folder: Path) -> None:
    """build-<pid>-* folders left by a build whose process died (killed, or the machine stopped)."""
    for build in folder.glob("build-*"):
        pid = build.name.split("-")[1]
        if build.is_dir() and not (pid.isdigit() and process_alive(int(pid))):
            shutil.rmtree(build, ignore_errors=True)


def _build(target: Path, timeout: float) -> None:
    """`airflow db migrate` in a build folder, moved into place only when complete; on any stop
    (timeout, Ctrl-C, SIGTERM) the migration is killed and the build folder removed."""
    ensure_room(target.parent, advice="")
    with tempfile.TemporaryDirectory(prefix=f"build-{os.getpid()}-", dir=target.parent) as build:
        home = Path(build)
        env = airflow_env(home, home / "dags")
        proc = spawn_python(["-m", "airflow", "db", "migrate"], home, env, stderr=subprocess.STDOUT)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise EnvironmentProblem(f"`airflow db migrate` did not finish in {timeout:g} s") from None
        finally:
            if proc.poll() is None:  # timed out or interrupted: nothing of it may go on
                signal_group(proc.pid, signal.SIGKILL)
                proc.wait()
        built = home / TEMPLATE_NAME
        if proc.returncode != 0 or not built.exists():
            last = output.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise EnvironmentProblem(f"`airflow db migrate` failed (exit {proc.returncode}): {last[0]}")
        os.replace(built, target)


def copy_template_into(home: Path) -> None:
    shutil.copyfile(ensure_template(), home / TEMPLATE_NAME)
