"""The warm grading process: children forked from it grade exactly like freshly started ones."""

from __future__ import annotations

import pytest

from conftest import submission
from exercise_cli.grading.forkserver import ForkServer
from exercise_cli.grading.grader import grade


@pytest.fixture(scope="module")
def server():
    with ForkServer() as warm:
        yield warm
    assert not warm.home.exists()


def _statuses(report) -> dict[str, str]:
    return {c.id: c.status for cr in report.criteria for c in cr.checks}


@pytest.mark.parametrize(
    ("name", "static"),
    [("passes_classic_operators", False), ("fails_uri_mismatch", False), ("fails_wrong_tags", True),
     ("fails_os_exit_at_import", True), ("fails_near_miss_dag_id", True)],
)
def test_forked_child_matches_a_fresh_process(server, name: str, static: bool) -> None:
    warm = grade(submission(name), static=static, launcher=server.launch)
    fresh = grade(submission(name), static=static)  # a grading process of its own, as `exercise check` starts
    assert _statuses(warm) == _statuses(fresh)
    assert warm.passed == fresh.passed


def test_forked_child_that_hangs_is_killed_and_reported(server) -> None:
    report = grade(submission("fails_producer_hangs"), task_timeout=3, launcher=server.launch)
    result = report.check("producer_run")
    assert result.status == "failed" and "timed out after 3 s" in result.message
    # the server survives its child's death and keeps grading
    assert grade(submission("passes_cron_schedule"), static=True, launcher=server.launch).passed
