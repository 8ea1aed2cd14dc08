"""asset_registered: the Assets view's record of every exercise Asset: its producing tasks and its scheduled DAGs."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import dag_id_of, failed, passed

READS = ("asset_record",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    exercise = sub.exercise
    records = sub.run.asset_records
    if records is None:
        return failed(sub.run.error or "the Assets view was not read")
    shown = []
    for key, asset in exercise.assets.items():
        uri = asset.uri
        record = records.get(uri)
        if not record:
            nobody = "neither DAG" if len(exercise.dags) == 2 else "no DAG"
            return failed(f"no Asset {uri} in the Assets view: {nobody} declares it")
        producers = [f"{p['dag_id']}.{p['task_id']}" for p in record["producing_tasks"]]
        scheduled = [d["dag_id"] for d in record["scheduled_dags"]]
        if not record.get("active"):
            return failed(f"Asset {uri} is registered but not active (no current DAG references it)")
        for spec in exercise.producers:
            producer_id = dag_id_of(sub, spec)
            if key in spec.outlets and not any(p.startswith(producer_id + ".") for p in producers):
                return failed(f"Asset {uri} has producing tasks {producers or 'none'}, wanted a task of {producer_id}")
        for spec in exercise.consumers:
            consumer_id = dag_id_of(sub, spec)
            if key in spec.schedule_on and consumer_id not in scheduled:
                return failed(f"Asset {uri} has scheduled DAGs {scheduled or 'none'}, wanted {consumer_id}")
        shown.append(f"Asset {uri}: produced by {', '.join(producers)}; schedules {', '.join(scheduled)}")
    return passed(". ".join(shown))
