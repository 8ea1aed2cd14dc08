"""Exercise 5.3 (asset event metadata) graded in full mode for each of its fixtures
(tests/submissions/exercise_5_3/): which checks fail (the cause, once; what requires it waits), what
they say, and the score. The row count is read from the event Airflow recorded in the metadata DB,
its extra as the producer's task attached it; the consumer's log line is compared with the extra
of the event that triggered its run."""

from __future__ import annotations

import re

import pytest
from conftest import TESTS, graded

FIXTURES = TESTS / "submissions" / "exercise_5_3"

# fixture -> (score out of 5, {failed check: text its message holds}); the TODO path is tests/test_course.py's.
CASES: dict[str, tuple[float, dict[str, str]]] = {
    "passes_yield_metadata": (5, {}),
    "passes_outlet_events_extra": (5, {}),
    "fails_no_extra": (2, {"event_row_count": "has no extra"}),
    "fails_extra_on_the_asset": (2, {"event_row_count": "has no extra"}),
    "fails_row_count_not_int": (2, {"event_row_count": "(str) in its extra; wanted a whole number"}),
    "fails_wrong_row_count_logged": (4, {"logs_row_count": "logged Rows received: 1, but the event that triggered the run carries row_count=250"}),
    "fails_constant_row_count_logged": (4, {"logs_row_count": "a number its code has as a constant ('Rows received: 250')"}),
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_each_fixture_fails_where_it_is_wrong(fixture: str) -> None:
    score, wanted = CASES[fixture]
    report = graded(str(FIXTURES / fixture), static=False, exercise_id="5.3")
    failed = {c.id: c.message for cr in report.criteria if cr.counts for c in cr.checks if c.status == "failed"}
    assert set(failed) == set(wanted), failed
    for check_id, text in wanted.items():
        assert text in failed[check_id], (check_id, failed[check_id])
    assert report.score()[0] == score, [(cr.id, cr.status) for cr in report.criteria]
    assert report.passed == fixture.startswith("passes_")


def test_every_fixture_is_graded_here_or_on_the_todo_path() -> None:
    names = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert names == set(CASES) | {n for n in names if re.search(r"_todo\d+_", n)}


def test_the_consumer_logs_the_count_the_event_in_the_db_carries() -> None:
    """The solution counts a random number of rows: the logged N is the one its event carries, whatever it is."""
    report = graded(str(TESTS.parent / "solution" / "exercise_5_3"), static=False, exercise_id="5.3")
    assert report.passed, [(c.id, c.message) for cr in report.criteria for c in cr.checks if c.status == "failed"]
    carried = re.search(r"carries row_count=(\d+)", report.check("event_row_count").message).group(1)
    assert f"Rows received: {carried}," in report.check("logs_row_count").message
    assert f'"row_count": {carried}' in report.check("event_shown_with_extra").message


def test_what_requires_the_row_count_waits_for_it() -> None:
    report = graded(str(FIXTURES / "fails_row_count_not_int"), static=False, exercise_id="5.3")
    assert report.check("consumer_run").status == "passed"  # the consumer ran: only the count is wrong
    for waiting in ("logs_row_count", "event_shown_with_extra"):
        assert report.check(waiting).status == "skipped", waiting
