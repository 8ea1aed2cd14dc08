"""Exercise 5.4 (@asset) in full mode, beyond each fixture's golden verdict (tests/test_golden.py). The DAGs
and Assets are the ones Airflow makes from the decorators; the downstream asset must log the run its
triggering event came from, a text only that event holds."""

from __future__ import annotations

import re

from conftest import TESTS, graded


def test_the_solution_is_two_asset_dags_and_the_summary_names_the_upstream_run() -> None:
    report = graded(str(TESTS.parent / "solution" / "exercise_5_4"), static=False, exercise_id="5.4")
    assert report.passed, [(c.id, c.message) for cr in report.criteria for c in cr.checks if c.status == "failed"]
    assert "exercise_5_4_sales_summary: one @asset task, sales_summary, producing s3://data-lake/sales_summary" in \
        report.check("asset_dags").message
    upstream_run = re.search(r"run (\S+) succeeded", report.check("producer_run").message).group(1)
    assert upstream_run in report.check("reads_upstream_event").message
