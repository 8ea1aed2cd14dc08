"""What a scenario step found, in one line: the "step_done" progress event the engine emits after each
step, built from the facts just filed. run-demo shows these as its timed lines; `exercise check` notes
them on a terminal. They describe; the checks decide (a step's `ok` is what the exercise wants of it).

Learner text (task output, a task's error) enters here and is cleaned here.
"""

from __future__ import annotations

import json

from exercise_cli.course import Exercise, Step
from exercise_cli.facts import DagRunFacts, RunFacts
from exercise_cli.learner_text import clean

OUTPUT_LINES = 15  # the consumer run's output tail the event carries
_LINE_CHARS = 400


def step_done(exercise: Exercise, step: Step, dag_id: str | None, facts: RunFacts, ok: bool,
              chosen: dict[str, DagRunFacts], error: str = "") -> dict:
    """The event's data: step, dag (the DagSpec key), dag_id (the learner's DAG), ok, summary, and for a
    consumer's run `output` (its tasks' last lines)."""
    data: dict = {"step": step.step, "dag": step.dag, "dag_id": dag_id or "", "ok": ok, "summary": ""}
    if step.dag and dag_id is None:
        data["summary"] = f"no DAG {exercise.dags[step.dag].id} yet: its steps wait for it"
        data["waiting"] = True  # nothing failed, nothing done: a reporter may mark it as waiting
    elif error:
        data["summary"] = error
    elif step.step == "register":
        data["summary"] = _registered(facts)
    elif step.step == "run":
        run = facts.runs.get(dag_id or "")
        if exercise.dags[step.dag].role == "producer":
            data["summary"] = _run(run, dag_id) + _events(facts.events.get(dag_id or "", []), run)
        else:
            data["summary"] = _run(run, dag_id) if run else f"no asset-triggered run of {dag_id} to run"
            data["output"] = _output_tail(run)
    elif step.step == "event":
        posted = facts.posted_events[-1] if facts.posted_events else {}
        data["summary"] = (f"posted asset event #{posted.get('id')} to {posted.get('uri')}, extra "
                           f"{clean(json.dumps(posted.get('extra'), sort_keys=True), _LINE_CHARS)}")
    elif step.step == "not_triggered":
        data["summary"], data["ok"] = _not_yet(exercise, step, dag_id or "", facts)
    elif step.step == "triggered":
        data["summary"] = _triggered(dag_id or "", facts, chosen.get(dag_id or ""))
    elif step.step == "assets_view":
        data["summary"] = _assets(exercise, facts)
        # An Asset missing from the view (or a view not read) is not a step done as wanted: no tick for it.
        records = facts.asset_records
        data["ok"] = ok and records is not None and all(records.get(asset.uri) for asset in exercise.assets.values())
    return data


def _registered(facts: RunFacts) -> str:
    registered = facts.registered or {}
    listed = [dag_id for dag_id, record in registered.items() if record.get("in_db")]
    missing = [dag_id for dag_id in registered if dag_id not in listed]
    parts = [f"Airflow lists {_and(listed)}" if listed else "Airflow lists none of the DAGs"]
    if missing:
        parts.append(f"not {_and(missing)}")
    if facts.db_import_errors:
        files = sorted({str(e.get("filename")) for e in facts.db_import_errors})
        parts.append(f"import errors in {_and(files)}")
    return "; ".join(parts)


def _run(run: DagRunFacts | None, dag_id: str | None) -> str:
    if run is None:
        return f"no run of {dag_id}"
    text = f"{run.dag_id} run {run.run_id} {run.state}"
    failed = run.failed_task()
    if failed is not None:
        text += f": task {failed.task_id} ended {failed.state}"
        if failed.error:
            where = f" at {failed.error_file}:{failed.error_line}" if failed.error_file and failed.error_line else ""
            text += f"{where}: {clean(failed.error, _LINE_CHARS)}"
    return text


def _events(events: list[dict], run: DagRunFacts | None) -> str:
    if events:
        return "; asset event " + ", ".join(f"#{e.get('id')} {e.get('uri')}" for e in events)
    return "; no asset event (no task with outlets?)" if run is not None and run.state == "success" else ""


def _consumed(events: list[dict]) -> str:
    return ", ".join(f"#{e.get('id')} ({e.get('uri')} from {e.get('source_dag_id') or 'the REST API'})" for e in events) or "no event"


def _not_yet(exercise: Exercise, step: Step, dag_id: str, facts: RunFacts) -> tuple[str, bool]:
    early = facts.early.get(dag_id)
    if early is None:
        return f"nothing asked of the scheduler about {dag_id}", True
    if early.runs:
        made = "; ".join(f"{r.run_id} from event {_consumed(r.consumed_events)}" for r in early.runs)
        return f"the scheduler already made a run of {dag_id} with only {_and(early.updated)} updated: {made}", False
    waits = [uri for uri in exercise.uris(exercise.dags[step.dag].schedule_on) if uri not in early.updated]
    return f"no run of {dag_id} yet" + (f" (right: it waits for {_and(waits)})" if waits else ""), True


def _triggered(dag_id: str, facts: RunFacts, run: DagRunFacts | None) -> str:
    if run is not None:
        return f"the scheduler created {dag_id} run {run.run_id} ({run.run_type}) from event {_consumed(run.consumed_events)}"
    runs = facts.triggered.get(dag_id) or []
    if runs:
        return f"{len(runs)} asset-triggered run(s) of {dag_id}, none from the latest event"
    return facts.trigger_diagnosis.get(dag_id) or f"no asset-triggered run of {dag_id}"


def _assets(exercise: Exercise, facts: RunFacts) -> str:
    if facts.asset_records is None:
        return f"the Assets view was not read ({facts.unavailable.get('asset_record', 'no run got that far')})"
    parts = []
    for asset in exercise.assets.values():
        record = facts.asset_records.get(asset.uri)
        if not record:
            parts.append(f"{asset.uri}: not in the Assets view")
            continue
        producers = [f"{t['dag_id']}.{t['task_id']}" for t in record.get("producing_tasks", [])]
        consumers = [d["dag_id"] for d in record.get("scheduled_dags", [])]
        parts.append(f"{asset.uri}: produced by {_and(producers) or 'no task'}, schedules {_and(consumers) or 'no DAG'}")
    return "Assets view: " + "; ".join(parts)


def _output_tail(run: DagRunFacts | None) -> str:
    if run is None:
        return ""
    lines = [line for task in run.tasks for line in clean(task.output).splitlines() if line.strip()]
    return "\n".join(clean(line, _LINE_CHARS) for line in lines[-OUTPUT_LINES:])


def _and(items: list[str]) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items)
