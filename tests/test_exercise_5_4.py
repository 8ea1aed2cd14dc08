"""Exercise 5.4 (@asset) graded in full mode for each of its fixtures (tests/submissions/exercise_5_4/):
which checks fail (the cause, once; what requires it waits), what they say, and the score. The DAGs
and Assets are the ones Airflow makes from the decorators; the downstream asset must log the run its
triggering event came from, a text only that event holds."""

from __future__ import annotations

import re

import pytest
from conftest import TESTS, graded

FIXTURES = TESTS / "submissions" / "exercise_5_4"

# fixture -> (score out of 5, {failed check: text its message holds}); the TODO path is tests/test_course.py's.
CASES: dict[str, tuple[float, dict[str, str]]] = {
    "passes_inlet_events": (5, {}),
    "fails_summary_daily_not_on_raw_sales": (2, {"consumer_schedule": "exercise_5_4_sales_summary"}),
    "fails_summary_prints_a_constant": (4, {"reads_upstream_event": "does not name the run its triggering event came from"}),
    "fails_start_date_on_asset": (0, {"files_import": "unexpected keyword argument 'start_date'"}),
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_each_fixture_fails_where_it_is_wrong(fixture: str) -> None:
    score, wanted = CASES[fixture]
    report = graded(str(FIXTURES / fixture), static=False, exercise_id="5.4")
    failed = {c.id: c.message for cr in report.criteria if cr.counts for c in cr.checks if c.status == "failed"}
    assert set(failed) == set(wanted), failed
    for check_id, text in wanted.items():
        assert text in failed[check_id], (check_id, failed[check_id])
    assert report.score()[0] == score, [(cr.id, cr.status) for cr in report.criteria]
    assert report.passed == fixture.startswith("passes_")


def test_every_fixture_is_graded_here_or_on_the_todo_path() -> None:
    names = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert names == set(CASES) | {n for n in names if re.search(r"_todo\d+_", n)}


def test_a_start_date_on_asset_gets_the_fix() -> None:
    report = graded(str(FIXTURES / "fails_start_date_on_asset"), static=False, exercise_id="5.4")
    assert "@asset takes no start_date" in report.check("files_import").hint


def test_the_solution_is_two_asset_dags_and_the_summary_names_the_upstream_run() -> None:
    report = graded(str(TESTS.parent / "solution" / "exercise_5_4"), static=False, exercise_id="5.4")
    assert report.passed, [(c.id, c.message) for cr in report.criteria for c in cr.checks if c.status == "failed"]
    assert "exercise_5_4_sales_summary: one @asset task, sales_summary, producing s3://data-lake/sales_summary" in \
        report.check("asset_dags").message
    upstream_run = re.search(r"run (\S+) succeeded", report.check("producer_run").message).group(1)
    assert upstream_run in report.check("reads_upstream_event").message
