"""The Assets view's records: per exercise Asset, its producing tasks and scheduled DAGs."""

from exercise_cli.results import CheckResult


def check(sub) -> CheckResult:
    records = sub.run.asset_records or {}
    lines = [f"{uri}: {[t['dag_id'] for t in r.get('producing_tasks', [])]} -> {[d['dag_id'] for d in r.get('scheduled_dags', [])]}"
             for uri, r in sorted(records.items())]
    ok = len(records) == len(sub.exercise.assets) and all(records.values())
    return CheckResult("", "passed" if ok else "failed", "; ".join(lines))
