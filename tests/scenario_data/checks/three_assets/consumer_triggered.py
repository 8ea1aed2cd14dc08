"""The "triggered" step's facts: the consumer's asset-triggered runs and the events each consumed."""

from exercise_cli.results import CheckResult


def check(sub) -> CheckResult:
    (spec, dag), = sub.found("consumer")
    runs = sub.run.triggered.get(dag.dag_id, [])
    if not runs:
        return CheckResult("", "failed", f"no asset-triggered run: {sub.run.trigger_diagnosis.get(dag.dag_id, '?')}")
    consumed = [sorted(e["uri"] for e in run.consumed_events) for run in runs]
    return CheckResult("", "passed", f"{len(runs)} asset-triggered run(s) {consumed}")
