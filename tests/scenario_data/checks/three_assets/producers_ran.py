"""Each producer's run, as the scenario recorded it: "<dag_id> <state> <Asset URIs of its events>"."""

from exercise_cli.results import CheckResult


def check(sub) -> CheckResult:
    lines, ok = [], True
    for spec, dag in sub.found("producer"):
        run = sub.run.runs.get(dag.dag_id)
        uris = sorted(e["uri"] for e in sub.run.events.get(dag.dag_id, []))
        ok = ok and run is not None and run.state == "success" and bool(uris)
        lines.append(f"{dag.dag_id} {run.state if run else 'not run'} {uris}")
    return CheckResult("", "passed" if ok else "failed", "; ".join(lines))
