"""The grader's policy in the Execution API it serves (exercise_cli/grading_process/execution_api.py): a task
is answered about its own DAG's runs only (tests/test_hostile.py grades the file that asks for another's)."""

from __future__ import annotations

import httpx
import pytest

from exercise_cli.grading_process.execution_api import _other_dag, _OwnDagRunsOnly

OWN = "exercise_5_4_sales_summary"


@pytest.mark.parametrize(("url", "refused"), [
    ("http://x/dag-runs/previous?dag_id=exercise_5_4_raw_sales&logical_date=2026-01-01", "exercise_5_4_raw_sales"),
    ("http://x/dag-runs/count?dag_id=exercise_5_4_raw_sales", "exercise_5_4_raw_sales"),
    ("http://x/dag-runs/exercise_5_4_raw_sales/manual__1/state", "exercise_5_4_raw_sales"),
    ("http://x/dag-runs/exercise_5_4_raw_sales/manual__1", "exercise_5_4_raw_sales"),
    (f"http://x/dag-runs/previous?dag_id={OWN}", None),
    (f"http://x/dag-runs/{OWN}/manual__1/state", None),
    ("http://x/task-instances/0b3c/run", None),
])
def test_a_dag_run_request_about_another_dag_is_named(url: str, refused: str | None) -> None:
    parsed = httpx.URL(url)
    assert _other_dag(parsed.path, parsed.params, OWN) == refused


def test_the_refusal_is_a_403_that_never_reaches_the_app() -> None:
    reached = []
    app = httpx.MockTransport(lambda request: reached.append(request) or httpx.Response(200, json={}))
    with httpx.Client(transport=_OwnDagRunsOnly(app, OWN), base_url="http://x/") as client:
        refused = client.get("dag-runs/previous", params={"dag_id": "exercise_5_4_raw_sales"})
        served = client.get("dag-runs/previous", params={"dag_id": OWN})
    assert refused.status_code == 403 and "runs of its own DAG only" in refused.text
    assert served.status_code == 200 and [r.url.params["dag_id"] for r in reached] == [OWN]
