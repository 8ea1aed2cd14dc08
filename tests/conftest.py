"""Shared test set-up: a private template-DB cache, the fixture folders, graded reports cached per run."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import textwrap
import time
from functools import cache
from pathlib import Path

import pytest

from exercise_cli.course import load_exercise
from exercise_cli.facts import Submission

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS / "checks"))  # hand_built, for the unit tests of an exercise's own checks beside its fixtures
SUBMISSIONS = TESTS / "submissions" / "exercise_5_1"  # exercise 5.1's fixtures (each exercise has a folder there)
REPO = TESTS.parent


def pytest_configure(config: pytest.Config) -> None:
    """`make test` stopped by SIGTERM or SIGHUP (a CI's time limit, a closed terminal) ends as Ctrl-C ends
    it: pytest tears every fixture down, so the temporary folders they made are removed."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _stop_as_ctrl_c)


def _stop_as_ctrl_c(signum: int, frame: object) -> None:
    signal.signal(signum, signal.SIG_DFL)  # a second one ends it at once
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tests build their own template DB instead of using (or polluting) the user's cache."""
    cache_dir = Path(os.environ.get("EXERCISE_TEST_CACHE_DIR") or tmp_path_factory.mktemp("cache"))
    os.environ["EXERCISE_CACHE_DIR"] = str(cache_dir)
    return cache_dir


@pytest.fixture(scope="session", autouse=True)
def private_server_dir(tmp_path_factory: pytest.TempPathFactory):
    """No test reaches the user's grading server or leaves one running: servers live in a folder of this
    session's (EXERCISE_SERVER_DIR), and `check` starts none (EXERCISE_NO_SERVER) except in tests/test_server.py."""
    folder = tmp_path_factory.mktemp("server")
    folder.chmod(0o700)
    os.environ["EXERCISE_SERVER_DIR"] = str(folder)
    os.environ["EXERCISE_NO_SERVER"] = "1"
    yield folder
    from exercise_cli.server.client import stop

    stop()


@pytest.fixture(scope="module")
def served_checks():
    """`exercise check` in this module hands its job to a warm grading server, as a learner's second check does
    (tests/test_server.py proves it grades as a fresh process does; the cold path has tests of its own)."""
    from exercise_cli.server import client

    saved = {key: os.environ.pop(key, None) for key in ("EXERCISE_NO_SERVER", "CI")}
    try:
        if client.start_in_background():
            deadline = time.monotonic() + 180
            while client.status() is None and time.monotonic() < deadline:
                time.sleep(0.1)  # a check before it is ready would be graded in a fresh process, and pass as well
        yield
    finally:
        client.stop()
        os.environ.update({key: value for key, value in saved.items() if value is not None})


def graded(path: str, static: bool, task_timeout: float = 60.0, timeout: float | None = None, exercise_id: str | None = None):
    """Grade once per (submission, mode, exercise) and share the report between the tests that read it, whichever
    module asks first and however it passes the arguments. Graded as `exercise watch` and `exercise grade` grade:
    in a child of the warm grading process (tests/test_forkserver.py proves it grades as a fresh one does; the
    CLI tests and the hostile suites start fresh ones)."""
    return _graded(path, static, float(task_timeout), timeout, exercise_id or "5.1")


@cache
def _graded(path: str, static: bool, task_timeout: float, timeout: float | None, exercise_id: str):
    from exercise_cli.grading.grader import grade

    return grade(path, static=static, task_timeout=task_timeout, timeout=timeout, exercise_id=exercise_id,
                 launcher=_Warm.launcher())


class _Warm:
    """One warm grading process for the session's graded() calls, started at the first one."""

    server = None
    failed = False

    @classmethod
    def launcher(cls):
        from exercise_cli.errors import EnvironmentProblem
        from exercise_cli.grading.forkserver import ForkServer

        if cls.server is None and not cls.failed:
            try:
                cls.server = ForkServer()
            except (EnvironmentProblem, OSError):
                cls.failed = True  # graded in fresh processes, as `check` does
        return cls.server.launch if cls.server is not None else None


@pytest.fixture(scope="session", autouse=True)
def _stop_the_warm_grading_process():
    yield
    if _Warm.server is not None:
        _Warm.server.close()
        _Warm.server = None


def submission(name: str) -> str:
    return str(SUBMISSIONS / name)


def class_folder(root: Path, members: dict[str, Path]) -> Path:
    """A class folder as `exercise grade` takes it: one copy of a fixture folder (or .py file) per name."""
    folder = root / "class"
    folder.mkdir()
    for name, source in members.items():
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)
    return folder


# Hand-built inputs for the check unit tests (tests/checks/): `load(source)` builds the Submission
# the trusted side would build from that DAG source (Airflow's serialization round trip, run here).

@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Airflow, imported in this test process to build the inputs, gets a home of its own (never ~/airflow)."""
    home = tmp_path_factory.mktemp("airflow-home")
    saved = {key: os.environ.get(key) for key in ("AIRFLOW_HOME", "AIRFLOW__CORE__LOAD_EXAMPLES")}
    os.environ.update(AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    try:
        import airflow.dag_processing.dagbag  # noqa: F401 - Airflow reads its home once, on import
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return home


@pytest.fixture
def load(tmp_path: Path, airflow_home: Path):
    """load(source, mode="full") -> Submission of that one file, as the grading process builds it: Airflow's
    serialization round trip, and what it gathers of the source (the checks open no file)."""

    def build(source: str, mode: str = "full") -> Submission:
        from airflow.dag_processing.dagbag import DagBag
        from airflow.serialization.serialized_objects import DagSerialization

        from exercise_cli.grading_process.loaded_shapes import loaded_dag
        from exercise_cli.grading_process.source_facts import gather, with_definitions_anywhere

        path = tmp_path / "dags.py"
        path.write_text(textwrap.dedent(source))
        bag = DagBag(dag_folder=str(path))
        sub = Submission(
            exercise=load_exercise(),
            files=["dags.py"],
            dags={i: DagSerialization.from_dict(DagSerialization.to_dict(d)) for i, d in bag.dags.items()},
            import_errors={"dags.py": text for text in bag.import_errors.values()},
            warnings={"dags.py": [str(w) for ws in bag.captured_warnings.values() for w in ws]},
            learner_paths={str(path): "dags.py"},
            mode=mode,
        )
        sub.source = with_definitions_anywhere(gather(sub.learner_paths), sub.learner_paths)
        sub.loaded = {i: loaded_dag(d, DagSerialization.to_dict(bag.dags[i])) for i, d in sub.dags.items()}
        return sub

    return build


# `make test` runs the suite in two lanes (pytest-xdist, --dist loadfile: a module's tests share one lane, and so
# its fixtures and graded reports; --no-loadscope-reorder keeps this order, where xdist would put the modules with
# the most tests first). The longest modules go first, so that no lane is left alone with one of them at the end.
_LONGEST_FIRST = ("test_hostile_in_container.py", "test_golden.py", "test_server.py", "test_real_stack.py",
                  "test_autograder.py", "test_live_recorded.py", "test_hostile_text.py", "test_hostile.py",
                  "test_terminal_loop.py", "test_learner_loop.py", "test_grade_batch.py", "test_course.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return _LONGEST_FIRST.index(name) if name in _LONGEST_FIRST else len(_LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order
