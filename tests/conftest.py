"""Shared test set-up: a private template-DB cache, the fixture folders, graded reports cached per run."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
SUBMISSIONS = TESTS / "submissions"
REPO = TESTS.parent


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tests build their own template DB instead of using (or polluting) the user's cache."""
    cache_dir = Path(os.environ.get("EXERCISE_TEST_CACHE_DIR") or tmp_path_factory.mktemp("cache"))
    os.environ["EXERCISE_CACHE_DIR"] = str(cache_dir)
    return cache_dir


@cache
def graded(path: str, static: bool, task_timeout: float = 60.0, timeout: float | None = None):
    """Grade once per (submission, mode) and share the report between the tests that read it."""
    from exercise_cli.grading.grader import grade

    return grade(path, static=static, task_timeout=task_timeout, timeout=timeout)


def submission(name: str) -> str:
    return str(SUBMISSIONS / name)
