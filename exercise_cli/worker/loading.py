"""Load the learner's DAG folder with Airflow's DagBag, and describe it in the learner's paths."""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any

from exercise_cli.checks._support import Submission
from exercise_cli.course import Course
from exercise_cli.worker.protocol import Job


def load_submission(job: Job, course: Course) -> tuple[Any, Submission]:
    from airflow.dag_processing.dagbag import BundleDagBag

    folder = Path(job.dags_folder)
    learner = dict(job.learner_paths)
    _forget_bagged()  # a warm parent process may have parsed other DAGs before forking us
    try:
        # BundleDagBag is the DagBag the Airflow CLI and DAG processor use for a bundle folder.
        bag = BundleDagBag(dag_folder=str(folder), bundle_path=folder, bundle_name="dags-folder")
        import_errors = {
            _learner(learner, folder, path): without_home(text, learner) for path, text in bag.import_errors.items()
        }
        warnings = {
            _learner(learner, folder, path): [without_home(str(w), learner) for w in texts]
            for path, texts in bag.captured_warnings.items()
        }
        dags = dict(bag.dags)
        duplicates = _duplicates(learner)
    except BaseException as exc:  # sys.exit() or KeyboardInterrupt raised by a DAG file escapes DagBag
        if isinstance(exc, Exception):
            raise
        bag, dags, warnings, duplicates = None, {}, {}, {}
        text = without_home("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), learner)
        code = getattr(exc, "code", None)
        what = f"called sys.exit({code!r})" if isinstance(exc, SystemExit) else f"raised {type(exc).__name__}"
        import_errors = {sorted(learner.values())[0]: f"{text}\nSystemExit: the DAG file {what} while Airflow imported it"}
    sub = Submission(
        course=course,
        files=sorted(learner.values()),
        dags=dags,
        import_errors=import_errors,
        warnings=warnings,
        learner_paths=learner,
        mode=job.mode,
        quiz_passed=job.quiz_passed,
        duplicate_dag_ids=duplicates,
    )
    return bag, sub


def _forget_bagged() -> None:
    try:
        from airflow_local_settings import BAGGED
    except ImportError:
        return
    BAGGED.clear()


def _duplicates(learner: dict[str, str]) -> dict[str, list[str]]:
    """dag_id -> learner files, for ids that Airflow bagged from more than one DAG object."""
    try:
        from airflow_local_settings import BAGGED  # the grader's policy, see airflow_local_settings.py
    except ImportError:
        return {}
    objects: dict[str, dict[int, str]] = {}
    for dag_id, fileloc, object_id in BAGGED:
        objects.setdefault(dag_id, {})[object_id] = learner.get(fileloc, fileloc)
    return {dag_id: sorted(files.values()) for dag_id, files in objects.items() if len(files) > 1}


def without_home(text: str, learner: dict[str, str]) -> str:
    """Airflow's texts name the copies in the throwaway home; name the learner's files instead."""
    for copied, shown in sorted(learner.items(), key=lambda item: -len(item[0])):
        text = text.replace(copied, shown)
    return text


def _learner(learner: dict[str, str], folder: Path, path: str) -> str:
    absolute = path if os.path.isabs(path) else str(folder / path)
    return learner.get(absolute, absolute)
