"""`exercise check --live URL`: grade the exercise's DAGs as a running Airflow 3 deployment has them.

This side connects, then fetches the DAG files the deployment parsed (`GET /dagSources`) into a
throwaway folder; the usual grading process parses them in the sandboxed parse child (the static
checks run unchanged) and walks the exercise's scenario on the deployment (exercise_cli/scenario/rest.py).
It decides nothing: the same runner and checks as local grading do.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from exercise_cli.course import Exercise, load_exercise
from exercise_cli.errors import EnvironmentProblem
from exercise_cli.grading.submission import SubmissionFiles
from exercise_cli.airflow_rest import AirflowApi, ApiError
from exercise_cli.protocol import Progress
from exercise_cli.results import Report

# How many --wait a live check may spend: runs under way on the producer, then on the consumer,
# the producer run, the consumer run's creation, and that run.
_WAITS = 5
_STARTUP_SECONDS = 60.0
POLL_SECONDS = 0.5  # --poll's default: between two reads of a run's state, on a deployment someone else may share


@dataclass
class LiveTarget:
    """What the grading process needs to gather run facts from the deployment (it travels in the Job)."""

    url: str
    token: str
    wait: float
    poll: float  # seconds between two reads of what is awaited
    import_errors: dict[str, str] = field(default_factory=dict)  # deployment file -> Airflow's stack trace


def connect(url: str, token: str | None, username: str | None, password: str | None) -> AirflowApi:
    api = AirflowApi(url, token=token)
    try:
        version = api.version()["version"]
    except ApiError as exc:
        raise EnvironmentProblem(str(exc)) from None
    except (KeyError, TypeError, ValueError):
        raise EnvironmentProblem(f"{url} did not answer like Airflow's REST API v2 (GET /api/v2/version)") from None
    if not version.startswith("3."):
        raise EnvironmentProblem(f"{url} runs Airflow {version}; this grader needs Airflow 3")
    try:
        if not token:
            if not (username and password):
                raise EnvironmentProblem("give --token, or --username and --password (or AIRFLOW_API_TOKEN / AIRFLOW_USERNAME / AIRFLOW_PASSWORD)")
            api.login(username, password)
        api.get("/dags", limit=1)  # proves the token works
    except ApiError as exc:
        raise EnvironmentProblem(str(exc)) from None
    return api


def grade_deployment(
    url: str,
    *,
    token: str | None,
    username: str | None,
    password: str | None,
    wait: float,
    poll: float = POLL_SECONDS,
    timeout: float | None = None,
    quiz_passed: bool = False,
    isolation: str = "auto",
    on_event: Callable[[Progress], None] | None = None,
    exercise_id: str | None = None,
    use_server: bool = False,
) -> Report:
    """Grade the deployment at `url` (through this user's grading server where `use_server`). Raises
    EnvironmentProblem (exit code 2) when it cannot be read."""
    from exercise_cli.server.client import grade_served

    api = connect(url, token, username, password)
    course = load_exercise(exercise_id)
    with tempfile.TemporaryDirectory(prefix="exercise-live-") as folder:
        try:
            files = fetch_dag_files(api, course, Path(folder))
            import_errors = {e.get("filename") or "?": e.get("stack_trace") or "" for e in api.import_errors()}
        except ApiError as exc:
            raise EnvironmentProblem(f"cannot read the deployment's DAGs: {exc}") from None
        target = LiveTarget(api.base_url, api.token or "", wait, poll, import_errors)
        report = grade_served(files, use_server=use_server, timeout=timeout or _STARTUP_SECONDS + _WAITS * wait,
                              quiz_passed=quiz_passed, isolation=isolation, on_event=on_event, live=asdict(target),
                              exercise_id=course.id)
    report.submission = api.base_url
    return report


def fetch_dag_files(api: AirflowApi, course: Exercise, folder: Path) -> SubmissionFiles:
    """The files defining the exercise's DAGs (or DAGs with close ids), as the deployment parsed them."""
    wanted = course.dag_ids
    ids = [d["dag_id"] for d in api.all_dags()]
    missing = [w for w in wanted if w not in ids]
    # A missing id's near misses too, so that `dag_ids` can ask "did you mean".
    relevant = [d for d in ids if d in wanted or any(difflib.get_close_matches(m, [d], cutoff=0.6) for m in missing)]
    names: dict[Path, str] = {}
    for dag_id in relevant:
        details = api.dag_details(dag_id)
        fileloc = details.get("fileloc") or f"{dag_id}.py"
        if fileloc in names.values():
            continue
        relative = PurePosixPath(details.get("relative_fileloc") or PurePosixPath(fileloc).name)
        local = folder.joinpath(*[part for part in relative.parts if part not in ("..", "/")])
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_text(api.dag_source(dag_id), encoding="utf-8")
        names[local.resolve()] = fileloc
    return SubmissionFiles(root=folder.resolve(), files=sorted(names), display_root=api.base_url, names=names)
