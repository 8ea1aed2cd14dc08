"""Hostile: no exercise code of its own worth credit. It looks for the course's files wherever the
sandbox might leave them (the installed package, the checkout around the venv, an instructor's
course folder, the parent's cwd and root through /proc, the environment), and runs the reference
solution if it can read one. Otherwise its producer task looks again at run time, and fails
saying what it could read: nothing, if the sandbox holds."""

from __future__ import annotations

import glob
import importlib.util
import os
import sys
from datetime import datetime

from airflow.sdk import Asset, dag, task


def _places() -> list[str]:
    roots = []
    for name in ("exercise_cli", "exercise_cli.solution", "exercise_cli.checks", "exercise_cli.data"):
        try:
            spec = importlib.util.find_spec(name)
        except Exception:  # noqa: BLE001 - a place that cannot be found is one fewer
            continue
        if spec is not None:
            roots += list(spec.submodule_search_locations or [])
            roots += [os.path.dirname(spec.origin)] if spec.origin else []
    package = sys.modules.get("exercise_cli")
    if package is not None and getattr(package, "__file__", None):
        roots.append(os.path.dirname(package.__file__))
    try:
        from exercise_cli.course import load_exercise

        exercise = load_exercise()
        roots += [str(exercise.solution_dir), str(exercise.checks_dir), str(exercise.statement_path.parent),
                  str(exercise.solution_dir.parent.parent)]  # an instructor's course folder, or the checkout
    except Exception:  # noqa: BLE001
        pass
    import gc

    for thing in gc.get_objects():  # the grading process's course, an instructor's folder included
        if type(thing).__name__ == "Exercise":
            try:
                roots += [str(thing.solution_dir), str(thing.statement_path.parent), str(thing.root)]
            except Exception:  # noqa: BLE001
                continue
    roots.append(os.path.dirname(sys.prefix))  # a checkout holding the venv
    for pid in ("1", str(os.getppid())):
        roots += [f"/proc/{pid}/cwd", f"/proc/{pid}/root{sys.prefix}/.."]
    roots += [v for k, v in os.environ.items() if "COURSE" in k or "EXERCISE" in k]
    return roots


def _course_text() -> dict[str, str]:
    """Each course file this code could read: path -> its first bytes."""
    # Each root's own course folders; not its siblings' (other copies of the course elsewhere on a
    # machine, as a developer's other checkouts, are not the grader's to hide).
    patterns = ("solution/*/*.py", "data/*/exercise.toml", "exercise_cli/data/*/exercise.toml", "exercise_5_1/*.py",
                "*.toml", "checks/*/*.py", "checks/*.py", "tests/submissions/*/passes_*/*.py", ".git/HEAD", "README.md")
    read = {}
    for root in _places():
        for pattern in patterns:
            for path in glob.glob(os.path.join(root, pattern)):
                try:
                    with open(path, encoding="utf-8", errors="replace") as f:
                        read[path] = f.read(200)
                except OSError:
                    continue
    return read


def _solution(read: dict[str, str]) -> str | None:
    for path, start in read.items():
        if path.endswith("exercise_5_1_producer_consumer.py") and "processed_data" not in path:
            with open(path, encoding="utf-8") as f:
                return f.read()
    return None


found = _course_text()
solution = _solution(found)
if solution is not None:
    exec(compile(solution, __file__, "exec"))
elif found:
    raise RuntimeError(f"read {len(found)} course files: {sorted(found)[:5]}")
else:
    processed_data = Asset("s3://data-lake/processed_data")

    @dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1), catchup=False,
         tags=["exercise", "module-05", "assets", "producer"])
    def looks_again():
        @task(outlets=[processed_data])
        def read_course() -> None:
            read = _course_text()
            raise RuntimeError(f"read {len(read)} course files: {sorted(read)[:5]}")

        read_course()

    looks_again()
