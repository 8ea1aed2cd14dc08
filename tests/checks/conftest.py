"""The checks' unit tests: `load(source)` builds the Submission as the trusted side does, its source facts too."""

from __future__ import annotations

import pytest

from exercise_cli.grading_process.source_facts import gather


@pytest.fixture
def load(load):
    """tests/conftest.py's `load`, plus what the trusted side gathers of the file (the checks open none)."""

    def build(source: str, mode: str = "full"):
        sub = load(source, mode)
        sub.source = gather(sub.learner_paths)
        return sub

    return build
