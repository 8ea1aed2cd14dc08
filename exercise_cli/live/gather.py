"""Live mode's facts gatherer: what a deployment does with the exercise's DAGs, read through REST API v2.

It runs in the grading process after the static checks and fills the RunFacts a local run fills,
step by step as exercise_cli/trusted/running.py does, so that the same checks decide. It decides
no check. Besides unpausing the two DAGs (and saying so), it only triggers the producer once.

Airflow 3.0 to 3.3 answer in slightly different shapes (tests/live/recorded holds each one's
answers): fields are read with .get(), and by both names where one was renamed.
"""

from __future__ import annotations

import time
from typing import Callable

from exercise_cli.checks._errors import last_frame_in
from exercise_cli.facts import DagRunFacts, RunFacts, Submission, TaskRun
from exercise_cli.live.rest import FINISHED, AirflowApi, ApiError, parse_time, scheduled_run_due
from exercise_cli.trusted.diagnosis import asset_uris, why_not_triggered
from exercise_cli.trusted.protocol import ProgressWriter
from exercise_cli.trusted.task_logs import error_of, task_output

_POLL = 0.5
_HOPELESS_PATIENCE = 10.0  # seconds to wait for a consumer run the static checks say cannot come


def add_deployment_errors(sub: Submission, live: dict) -> None:
    """The deployment's own import errors are the submission's: Airflow there could not load these files."""
    errors = live.get("import_errors") or {}
    for file, text in errors.items():
        sub.import_errors.setdefault(file, text)
    sub.files = sorted(set(sub.files) | set(errors))


def gather_run(live: dict, sub: Submission, static: dict[str, dict], progress: ProgressWriter) -> RunFacts:
    api = AirflowApi(live["url"], token=live["token"])
    facts = RunFacts()
    hopeless = static.get("consumer_schedule", {}).get("status") == "failed"
    gatherer = _Gatherer(api, sub, facts, float(live["wait"]), progress, hopeless, live.get("import_errors") or {})
    try:
        gatherer.run()
    except ApiError as exc:
        facts.error = f"the deployment refused a request: {exc}"
    finally:
        api.http.close()
    return facts


class _Gatherer:
    def __init__(self, api: AirflowApi, sub: Submission, facts: RunFacts, wait: float, progress: ProgressWriter,
                 hopeless: bool, import_errors: dict[str, str]) -> None:
        self.api, self.sub, self.facts, self.wait, self.progress = api, sub, facts, wait, progress
        self.import_errors = import_errors  # read once, before parsing (exercise_cli/live/deployment.py)
        self.details: dict[str, dict] = {}  # dag_id -> GET /dags/{id}/details, read once
        self.patience = min(wait, _HOPELESS_PATIENCE) if hopeless else wait
        self.producer = sub.producer.dag_id
        self.consumer = sub.consumer.dag_id if sub.consumer is not None else None

    def say(self, text: str) -> None:
        self.progress.emit("note", text=text)

    def run(self) -> None:
        self.progress.phase("register")
        if not self.registered():
            return
        try:
            self.progress.phase("producer_run")
            if self.run_producer() and self.consumer is not None:
                self.progress.phase("scheduler")
                if self.find_consumer_run():
                    self.progress.phase("consumer_run")
                    self.run_consumer()
        finally:
            # The Assets view depends on parsing alone: worth reading whatever the runs did.
            self.progress.phase("assets_view")
            self.read_assets_view()

    # 1: the DAGs as the UI lists them
    def registered(self) -> bool:
        registered = {}
        for dag_id in [d for d in (self.producer, self.consumer) if d is not None]:
            try:
                details = self.api.dag_details(dag_id)
            except ApiError as exc:
                if exc.status != 404:
                    raise
                registered[dag_id] = {"in_db": False, "is_stale": None, "serialized": False}
                continue
            self.details[dag_id] = details
            registered[dag_id] = {"in_db": True, "is_stale": bool(details.get("is_stale")), "serialized": True}
        self.facts.registered = registered
        self.facts.db_import_errors = [{"filename": file, "error": text} for file, text in self.import_errors.items()]
        return registered[self.producer]["in_db"]

    # 2 and 3: one producer run and its events
    def run_producer(self) -> bool:
        for dag_id in [d for d in (self.consumer, self.producer) if d in self.details]:
            if self.details[dag_id].get("is_paused"):
                self.api.set_paused(dag_id, False)
                self.say(f"unpaused {dag_id} (it was paused)")
                if dag_id == self.producer and scheduled_run_due(self.details[dag_id]):
                    self._wait_until(lambda: bool(self.api.dag_runs(dag_id)))  # unpausing starts the due run
        # Our event must not land while another producer event is being turned into a consumer
        # run: the scheduler can then lose our queue entry (seen on SQLite). Let those settle first.
        self._wait_until(lambda: not self._active(self.producer))
        if self.consumer is not None:
            self._wait_until(lambda: not self._queued(self.consumer) and not self._active(self.consumer))
            self.before = {r["dag_run_id"] for r in self.api.dag_runs(self.consumer, run_type="asset_triggered")}
        run_id = self.api.trigger(self.producer)["dag_run_id"]
        self.say(f"triggered {self.producer}: {run_id}")
        facts = self._run_facts(self.producer, run_id)
        self.facts.producer_run = facts
        self.facts.asset_events = [_event(e) for e in self.api.asset_events(source_dag_id=self.producer, source_run_id=run_id)]
        return facts.state == "success"

    # 4: the scheduler's asset-triggered consumer runs after our event
    def find_consumer_run(self) -> bool:
        producer_run_id = self.facts.producer_run.run_id
        found: list[DagRunFacts] = []

        def look() -> bool:
            found[:] = []
            for run in self.api.dag_runs(self.consumer, run_type="asset_triggered", order_by="-run_after"):
                if run["dag_run_id"] in self.before:
                    continue
                events = [_event(e) for e in self.api.upstream_events(self.consumer, run["dag_run_id"])]
                found.append(DagRunFacts(self.consumer, run["dag_run_id"], run.get("run_type") or "", run.get("state") or "",
                                         consumed_events=events))
            return any(e.get("source_run_id") == producer_run_id for r in found for e in r.consumed_events)

        patience = self.patience if self.facts.asset_events else 0.0
        ours = self._wait_until(look, patience)
        self.facts.consumer_runs = found
        if not found:
            details = self.details.get(self.consumer, {})
            expression = details.get("asset_expression")
            self.facts.trigger_diagnosis = why_not_triggered(
                self.consumer, sorted({e["uri"] for e in self.facts.asset_events or []}), sorted(asset_uris(expression)),
                details.get("timetable_summary") or "", expression, waited=patience)
        return ours

    def run_consumer(self) -> None:
        producer_run_id = self.facts.producer_run.run_id
        run = next(r for r in self.facts.consumer_runs or []
                   if any(e.get("source_run_id") == producer_run_id for e in r.consumed_events))
        facts = self._run_facts(self.consumer, run.run_id)
        facts.consumed_events = run.consumed_events
        self.facts.consumer_run = facts

    # 5: the Assets view's record of the Asset
    def read_assets_view(self) -> None:
        uri = self.sub.exercise.asset_uri
        try:
            assets = self.api.assets(uri)
        except ApiError as exc:
            if exc.status != 403:
                raise
            self.facts.unavailable["asset_record"] = f"the deployment does not let this user read Assets ({exc})"
            return
        asset = next((a for a in assets if a.get("uri") == uri), None)
        if asset is None:
            self.facts.asset_record = {}
            return
        # Airflow 3.0 names the DAGs scheduled on an Asset consuming_dags; 3.1 and later scheduled_dags.
        scheduled = asset.get("scheduled_dags", asset.get("consuming_dags")) or []
        self.facts.asset_record = {
            "id": asset.get("id"),
            "uri": asset.get("uri"),
            "name": asset.get("name"),
            "active": True,  # GET /assets lists active Assets only (only_active defaults to true)
            "producing_tasks": [{"dag_id": t.get("dag_id"), "task_id": t.get("task_id")} for t in asset.get("producing_tasks") or []],
            "scheduled_dags": [{"dag_id": d.get("dag_id")} for d in scheduled],
        }

    # helpers
    def _run_facts(self, dag_id: str, run_id: str) -> DagRunFacts:
        run = self.api.wait_for_run(dag_id, run_id, self.wait, interval=_POLL)
        state = run.get("state") or ""
        facts = DagRunFacts(dag_id, run_id, run.get("run_type") or "", state)
        if state not in FINISHED:
            facts.state = f"still {state} after {self.wait:g} s (--wait)"
        for ti in self.api.task_instances(dag_id, run_id):
            facts.tasks.append(self._task(dag_id, run_id, ti))
        return facts

    def _task(self, dag_id: str, run_id: str, ti: dict) -> TaskRun:
        started, ended = parse_time(ti.get("start_date")), parse_time(ti.get("end_date"))
        task = TaskRun(ti["task_id"], ti.get("state") or "none", "", started.timestamp() if started else 0.0,
                       ended.timestamp() if ended else time.time())
        try:
            records = self.api.task_log_records(dag_id, run_id, ti["task_id"], max(1, ti.get("try_number") or 1))
        except ApiError as exc:
            if exc.status not in (403, 404):
                raise
            self.facts.unavailable["task_output"] = f"the deployment did not serve the task log of {ti['task_id']} ({exc})"
            return task
        task.output = task_output(records)
        if task.state != "success":
            text, summary = error_of(records)
            task.error = summary or None
            file, line = last_frame_in(text, set(self.sub.files))
            task.error_file, task.error_line = file, line
        return task

    def _active(self, dag_id: str) -> bool:
        return any(r["state"] in ("queued", "running") for r in self.api.dag_runs(dag_id))

    def _queued(self, dag_id: str) -> bool:
        try:
            return bool(self.api.get(f"/dags/{dag_id}/assets/queuedEvents").get("total_entries", 0))
        except ApiError as exc:
            if exc.status == 404:  # Airflow 3.0: an empty queue is a 404
                return False
            raise

    def _wait_until(self, done: Callable[[], bool], seconds: float | None = None) -> bool:
        deadline = time.monotonic() + (self.wait if seconds is None else seconds)
        while True:
            if done():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL)


def _event(event: dict) -> dict:
    """An asset event in the shape local grading records (exercise_cli/trusted/running.py)."""
    return {
        "id": event.get("id"),
        "uri": event.get("uri"),
        "source_dag_id": event.get("source_dag_id"),
        "source_task_id": event.get("source_task_id"),
        "source_run_id": event.get("source_run_id"),
        "timestamp": event.get("timestamp"),
    }
