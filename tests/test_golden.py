"""Every fixture submission that has a golden file (expected_results.json beside its dags.py) gets that
verdict: one comparison for every fixture of every exercise of every course in the repository
(exercise_cli/dev/golden.py; `exercise dev check EXERCISE --update-golden` rewrites them)."""

from __future__ import annotations

import os

import pytest
from conftest import TESTS, graded

from exercise_cli.course import COURSE_ENV, load_course
from exercise_cli.dev import check as dev
from exercise_cli.dev import golden

CASES = [(exercise, fixture) for exercise in load_course().exercises() for fixture in dev.fixtures(exercise)
         if golden.read(fixture) is not None]


@pytest.mark.parametrize(("exercise", "fixture"), CASES, ids=[f"{e.id}/{f.name}" for e, f in CASES])
def test_the_fixture_gets_its_golden_verdict(exercise, fixture) -> None:
    assert os.environ.get(COURSE_ENV) is None  # the built-in course, as the fixtures are its
    assert dev.fixture_matches_golden(exercise, fixture, _grade) == []


def test_a_golden_record_says_each_check_status_and_its_words() -> None:
    """The comparison can fail: each way a grading can differ from its golden record is named."""
    fixture = TESTS / "submissions" / load_course().exercise().folder / "fails_syntax_error"
    report = graded(str(fixture), static=True)
    record = golden.of(report)
    assert golden.differences(record, report) == []
    failed = next(check_id for check_id, c in record["checks"].items() if c["status"] == "failed")
    record["passed"] = True
    record["checks"][failed] = {"status": "passed", "message_contains": ["no such words"]}
    assert golden.differences(record, report) == [
        "passed is False, golden says True",
        f"check {failed} is failed, golden says passed: {report.check(failed).message[:200]}",
        f"check {failed}'s message lacks 'no such words': {report.check(failed).message[:200]}",
    ]


def test_an_author_may_pin_more_of_a_check_and_a_rewrite_keeps_it() -> None:
    """message_lacks, hint_contains and line can fail too; what still holds survives --update-golden."""
    fixture = TESTS / "submissions" / load_course().exercise().folder / "fails_syntax_error"
    report = graded(str(fixture), static=True)
    check = report.check("files_import")
    record = golden.of(report)
    record["checks"]["files_import"].update(message_lacks=["SyntaxError"], hint_contains=["no such hint"], line=check.line + 1)
    assert golden.differences(record, report) == [
        f"check files_import's message says 'SyntaxError': {check.message[:200]}",
        f"check files_import's hint lacks 'no such hint': {check.hint[:200]}",
        f"check files_import points at line {check.line}, golden says {check.line + 1}",
    ]
    pinned = {"status": "failed", "message_contains": ["SyntaxError"], "line": check.line}
    stale = {"status": "passed"}
    kept = golden.of(report, kept={"checks": {"files_import": pinned, "dag_ids": stale}})
    assert kept["checks"]["files_import"] == pinned and kept["checks"]["dag_ids"] != stale


def test_the_words_kept_are_the_ones_that_stay_the_same() -> None:
    """Run ids, times, line numbers and temporary folders change from one grading to the next."""
    assert golden.phrases("line 12 of /tmp/x/dags.py: SyntaxError: invalid syntax at asset_triggered__2024-01-01") == [
        "line", "SyntaxError: invalid syntax at"]


def _grade(path: str, static: bool, task_timeout: float, exercise_id: str, timeout: float | None = None):
    return graded(path, static=static, task_timeout=task_timeout, timeout=timeout, exercise_id=exercise_id)


def test_every_fixture_has_its_golden_verdict() -> None:
    """A fixture without one would be graded by no test: `exercise dev check EXERCISE --update-golden` writes it."""
    missing = [f"{e.id}/{f.name}" for e in load_course().exercises() for f in dev.fixtures(e) if golden.read(f) is None]
    assert missing == []
