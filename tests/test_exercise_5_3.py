"""Exercise 5.3 (asset event metadata) in full mode, beyond each fixture's golden verdict
(tests/test_golden.py): the row count is read from the event Airflow recorded in the metadata DB,
its extra as the producer's task attached it; the consumer's log line is compared with the extra
of the event that triggered its run."""

from __future__ import annotations

import re

from conftest import TESTS, graded

FIXTURES = TESTS / "submissions" / "exercise_5_3"


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
