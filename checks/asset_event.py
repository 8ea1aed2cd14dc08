"""asset_event: each producer run recorded an asset event for each Asset its DAG lists in its outlets."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._airflow import outlet_assets
from ._support import combined, failed, keyed, passed, the


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec) for spec in sub.exercise.producers])


def _producer(sub: Submission, spec) -> CheckResult:
    events = keyed(sub.run.events, sub, spec) or []
    who = the(sub, spec)
    run = "the producer run" if who == "the producer" else f"the run of {who}"
    found = sorted({e["uri"] for e in events})
    for wanted in sub.exercise.uris(spec.outlets):
        matching = [e for e in events if e["uri"] == wanted]
        if matching:
            continue
        changed = _changed_at_run_time(sub, spec, wanted, found)
        if changed is not None:
            return changed
        if events:
            return failed(f"{run} recorded asset events for {', '.join(found)}, wanted {wanted}")
        return failed(f"{run} succeeded but recorded no asset event: no task has outlets=[Asset({wanted!r})]")
    shown = [next(e for e in events if e["uri"] == uri) for uri in sub.exercise.uris(spec.outlets)]
    return passed("; ".join(f"asset event #{e['id']} for {e['uri']} from {e['source_dag_id']}.{e['source_task_id']}"
                            for e in shown))


def _changed_at_run_time(sub: Submission, spec, wanted: str, recorded: list[str]) -> CheckResult | None:
    """A task that declares the Asset in its outlets as Airflow loaded the DAG, yet whose run recorded no event
    for it: the task changed its outlets while it ran. Named, with what its run recorded instead."""
    dag = sub.dag(spec)
    declaring = [task for task, asset in outlet_assets(dag) if asset.uri == wanted] if dag is not None else []
    if not declaring:
        return None
    task = declaring[0]
    file, line = sub.task_location(task)
    instead = f"events for {', '.join(recorded)} instead" if recorded else "no asset event at all"
    return failed(f"task {task.task_id} of {dag.dag_id} declares outlets=[Asset({wanted!r})] as Airflow loaded it, yet its "
                  f"run recorded {instead}: the task changed its outlets while it ran",
                  hint="Declare the Asset once in @task(outlets=[...]) and leave the task's outlets alone at run time; "
                       "Airflow records the event for the outlets the task has when it succeeds.",
                  file=file, line=line)
