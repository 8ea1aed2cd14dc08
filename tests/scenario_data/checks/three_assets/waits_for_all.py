"""The "not_triggered" step's facts: what was updated, and the consumer runs the scheduler made anyway."""

from exercise_cli.results import CheckResult


def check(sub) -> CheckResult:
    (spec, dag), = sub.found("consumer")
    early = sub.run.early.get(dag.dag_id)
    if early is None:
        return CheckResult("", "failed", "no not_triggered step was recorded")
    made = [sorted(e["uri"] for e in run.consumed_events) for run in early.runs]
    status = "failed" if early.runs else "passed"
    return CheckResult("", status, f"after {early.updated}: {len(early.runs)} asset-triggered run(s) {made}")
