"""The consumer's run the scenario executed: its type, state and the events it consumed."""

from exercise_cli.results import CheckResult


def check(sub) -> CheckResult:
    (spec, dag), = sub.found("consumer")
    run = sub.run.runs.get(dag.dag_id)
    if run is None:
        return CheckResult("", "failed", "the consumer was not run")
    consumed = sorted(e["uri"] for e in run.consumed_events)
    output = " | ".join(t.output.splitlines()[0] for t in run.tasks if t.output)
    return CheckResult("", "passed" if run.state == "success" else "failed",
                       f"{run.run_type} {run.state} {consumed} printed: {output}")
