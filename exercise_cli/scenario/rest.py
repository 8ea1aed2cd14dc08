"""The REST backend: the scenario on a running deployment, through REST API v2 (`check --live`, and
run-demo's stack). The deployment's own scheduler does the work; this side triggers the producers,
unpauses the exercise's DAGs (and says so), and reads what happened.

Airflow 3.0 to 3.3 answer in slightly different shapes (tests/live/recorded holds each one's answers):
fields are read with .get(), and by both names where one was renamed.
"""

from __future__ import annotations

import time
from typing import Callable

from exercise_cli.checks import last_frame_in
from exercise_cli.facts import DagRunFacts, Submission, TaskRun
from exercise_cli.protocol import Note
from exercise_cli.airflow_rest import FINISHED, AirflowApi, ApiError, parse_time, scheduled_run_due
from exercise_cli.scenario import records
from exercise_cli.scenario.backend import Progress
from exercise_cli.scenario.diagnosis import asset_uris, why_not_triggered
from exercise_cli.task_logs import error_of, task_output

_NOT_THE_SCHEDULERS = ("manual", "backfill")  # run types a person starts, not the scheduler
EARLY_SETTLE_SECONDS = 10.0  # a "not_triggered" step: what two scheduler heartbeats take by default (5 s each)


def add_deployment_errors(sub: Submission, import_errors: dict[str, str]) -> None:
    """The deployment's own import errors are the submission's: Airflow there could not load these files."""
    for file, text in import_errors.items():
        sub.import_errors.setdefault(file, text)
    sub.files = sorted(set(sub.files) | set(import_errors))


class RestBackend:
    def __init__(self, api: AirflowApi, sub: Submission, progress: Progress, wait: float, poll: float,
                 import_errors: dict[str, str] | None = None, trigger_patience: float | None = None) -> None:
        """`wait`: how long to wait for a run to finish or appear (--wait); `poll`: seconds between two reads
        of what is awaited (--poll); `trigger_patience`: how long to wait for an asset-triggered run (default
        `wait`); `import_errors`: the deployment's, read once before parsing (exercise_cli/live/deployment.py)."""
        self.api, self.sub, self.progress, self.wait, self.poll = api, sub, progress, wait, poll
        self.import_errors = import_errors or {}
        self.patience = wait if trigger_patience is None else trigger_patience
        self.unavailable: dict[str, str] = {}
        self.details: dict[str, dict] = {}  # dag_id -> GET /dags/{id}/details, read once
        self.consumers: list[str] = []
        self.before: dict[str, set[str]] = {}  # consumer -> its runs (any type) before the first producer run
        self._listed: dict[str, list[dict]] = {}  # dag_id -> its runs as _active last listed them
        self.waited = 0.0  # how long the last "triggered" step waited

    def say(self, text: str) -> None:
        self.progress.send(Note(text))

    def failure(self, exc: Exception, doing: str) -> str | None:
        return f"the deployment refused a request: {exc}" if isinstance(exc, ApiError) else None

    # register: the DAGs as the UI lists them
    def register(self, dag_ids: list[str]) -> tuple[dict[str, dict], list[dict]]:
        registered = {}
        for dag_id in dag_ids:
            try:
                details = self.api.dag_details(dag_id)
            except ApiError as exc:
                if exc.status != 404:
                    raise
                registered[dag_id] = records.registration(in_db=False, is_stale=None, serialized=False)
                continue
            self.details[dag_id] = details
            registered[dag_id] = records.registration(in_db=True, is_stale=bool(details.get("is_stale")), serialized=True)
        return registered, [records.import_error(file, text) for file, text in self.import_errors.items()]

    # producer runs
    def prepare_runs(self, consumer_ids: list[str], producer_ids: list[str]) -> None:
        self.consumers = list(consumer_ids)
        for dag_id in [d for d in [*consumer_ids, *producer_ids] if d in self.details]:  # consumers first
            if self.details[dag_id].get("is_paused"):
                self.api.set_paused(dag_id, False)
                self.say(f"unpaused {dag_id} (it was paused)")
                if dag_id in producer_ids and scheduled_run_due(self.details[dag_id]):
                    self._due_run_started(dag_id)

    def _due_run_started(self, dag_id: str) -> None:
        """Unpausing a producer starts its due run: said, since its asset event comes before the scenario's own run's."""
        seen: list[dict] = []

        def started() -> bool:
            seen[:] = self.api.dag_runs(dag_id)
            return bool(seen)

        if self._wait_until(started):
            self.say(f"unpausing {dag_id} started its due run {seen[0]['dag_run_id']}: the asset event it records "
                     "comes before the one of the run triggered next")

    def run_producer(self, dag_id: str, how: str) -> tuple[DagRunFacts, list[dict]]:
        # Our event must not land while another producer event is being turned into a consumer
        # run: the scheduler can then lose our queue entry (seen on SQLite). Let those settle first.
        self._wait_until(lambda: not self._active(dag_id))
        for consumer in self.consumers:
            first = consumer not in self.before
            # A consumer on several Assets keeps its queue entries until all are updated: only the
            # first producer run waits for the queue to empty.
            self._wait_until(lambda: not (first and self._queued(consumer)) and not self._active(consumer))
            if first:  # every run it has, of any type, as _active just listed them
                listed = self._listed.get(consumer)
                self.before[consumer] = {r["dag_run_id"] for r in (listed if listed is not None else self.api.dag_runs(consumer))}
        # Live mode triggers a producer whatever its schedule: its due run, if any, came when it was unpaused.
        run_id = self.api.trigger(dag_id)["dag_run_id"]
        self.say(f"triggered {dag_id}: {run_id}")
        facts = self._run_facts(dag_id, run_id)
        events = [_event(e) for e in self.api.asset_events(source_dag_id=dag_id, source_run_id=run_id)]
        return facts, events

    def post_event(self, uri: str, extra: dict) -> dict:
        for consumer in self.consumers:  # as before a producer run: the last event has become its run
            self._wait_until(lambda: not self._active(consumer))
        asset = next((a for a in self.api.assets(uri) if a.get("uri") == uri), None)
        if asset is None:
            raise ApiError(f"the deployment lists no Asset {uri}", 404)
        return _event(self.api.post_asset_event(asset["id"], extra))  # the step's line says it

    # the scheduler's asset step
    def early_runs(self, consumer_id: str) -> list[DagRunFacts]:
        # A deployment cannot prove a negative, but it can show that its scheduler has made one whole
        # loop (run creation is in every loop) since the events so far: then a run it was going to make
        # from them exists. A loop ends with a heartbeat when one is due; the loop that ends with the
        # second new heartbeat began after the first, so after now.
        if not self._scheduler_looped():
            time.sleep(min(self.wait, EARLY_SETTLE_SECONDS))
        # Every run the scheduler made, of any type (a timetable beside the Assets makes scheduled ones),
        # oldest first as the local backend lists them.
        return self._new_runs(consumer_id, run_types=None)

    def _scheduler_looped(self) -> bool:
        """Whether the scheduler's heartbeat moved on twice (within --wait); False at once when the
        deployment shows no heartbeat."""
        beats = [self._heartbeat()]
        if beats[0] is None:
            return False

        def moved_twice() -> bool:
            beat = self._heartbeat()
            if beat is not None and beat != beats[-1]:
                beats.append(beat)
            return len(beats) >= 3

        if self._wait_until(moved_twice):
            return True
        self.say(f"the scheduler did not heartbeat twice in {self.wait:g} s (--wait): its run creation may not "
                 "have seen the latest events yet")
        return True

    def _heartbeat(self) -> str | None:
        try:
            return ((self.api.health() or {}).get("scheduler") or {}).get("latest_scheduler_heartbeat")
        except ApiError:
            return None

    def triggered_runs(self, consumer_id: str, events: list[dict]) -> list[DagRunFacts]:
        latest = events[-1].get("source_run_id") if events else None
        found: list[DagRunFacts] = []

        def look() -> bool:
            found[:] = self._new_runs(consumer_id)
            return any(e.get("source_run_id") == latest for r in found for e in r.consumed_events)

        self.waited = self.patience if events else 0.0
        self._wait_until(look, self.waited)
        return found

    def _new_runs(self, consumer_id: str, run_types: tuple[str, ...] | None = ("asset_triggered",)) -> list[DagRunFacts]:
        """The consumer's runs made since the first producer run, newest first: of `run_types`, else every run
        the scheduler made (not the manual or backfill runs a person may start on a deployment)."""
        before = self.before.get(consumer_id, set())
        runs = []
        if run_types is None:
            listed = [r for r in self.api.dag_runs(consumer_id) if r.get("run_type") not in _NOT_THE_SCHEDULERS]
        else:
            listed = [r for t in run_types for r in self.api.dag_runs(consumer_id, run_type=t, order_by="-run_after")]
        for run in listed:
            if run["dag_run_id"] in before:
                continue
            events = [_event(e) for e in self.api.upstream_events(consumer_id, run["dag_run_id"])]
            runs.append(records.dag_run(consumer_id, run["dag_run_id"], run.get("run_type"), run.get("state"),
                                        consumed_events=events))
        return runs

    def why_not_triggered(self, consumer_id: str, events: list[dict]) -> str:
        details = self.details.get(consumer_id, {})
        expression = details.get("asset_expression")
        return why_not_triggered(consumer_id, sorted({e["uri"] for e in events if e.get("uri")}),
                                 sorted(asset_uris(expression)), details.get("timetable_summary") or "", expression,
                                 waited=self.waited)

    # consumer runs
    def run_consumer(self, run: DagRunFacts) -> DagRunFacts:
        facts = self._run_facts(run.dag_id, run.run_id)
        facts.consumed_events = run.consumed_events
        return facts

    # the Assets view
    def asset_records(self, uris: list[str]) -> dict[str, dict] | None:
        found = {}
        for uri in uris:
            try:
                assets = self.api.assets(uri)
            except ApiError as exc:
                if exc.status != 403:
                    raise
                self.unavailable["asset_record"] = f"the deployment does not let this user read Assets ({exc})"
                return None
            asset = next((a for a in assets if a.get("uri") == uri), None)
            if asset is None:
                found[uri] = {}
                continue
            # Airflow 3.0 names the DAGs scheduled on an Asset consuming_dags; 3.1 and later scheduled_dags.
            scheduled = asset.get("scheduled_dags", asset.get("consuming_dags")) or []
            found[uri] = records.asset_record(
                asset.get("id"), asset.get("uri"), asset.get("name"),
                True,  # GET /assets lists active Assets only (only_active defaults to true)
                [(t.get("dag_id"), t.get("task_id")) for t in asset.get("producing_tasks") or []],
                [d.get("dag_id") for d in scheduled],
            )
        return found

    # helpers
    def _run_facts(self, dag_id: str, run_id: str) -> DagRunFacts:
        run = self.api.wait_for_run(dag_id, run_id, self.wait, interval=self.poll)
        state = run.get("state") or ""
        facts = records.dag_run(dag_id, run_id, run.get("run_type"), state)
        if state not in FINISHED:
            facts.state = f"still {state} after {self.wait:g} s (--wait)"
        for ti in self.api.task_instances(dag_id, run_id):
            facts.tasks.append(self._task(dag_id, run_id, ti))
        return facts

    def _task(self, dag_id: str, run_id: str, ti: dict) -> TaskRun:
        started, ended = parse_time(ti.get("start_date")), parse_time(ti.get("end_date"))
        task = records.task_run(ti["task_id"], ti.get("state"), "", started.timestamp() if started else 0.0,
                                ended.timestamp() if ended else time.time(), try_number=ti.get("try_number"))
        try:
            log = self.api.task_log_records(dag_id, run_id, ti["task_id"], max(1, ti.get("try_number") or 1))
        except ApiError as exc:
            if exc.status not in (403, 404):
                raise
            self.unavailable["task_output"] = f"the deployment did not serve the task log of {ti['task_id']} ({exc})"
            return task
        task.output = task_output(log)
        if task.state != "success":
            text, summary = error_of(log)
            task.error = summary or None
            task.error_file, task.error_line = last_frame_in(text, set(self.sub.files))
        return task

    def _active(self, dag_id: str) -> bool:
        self._listed[dag_id] = self.api.dag_runs(dag_id)
        return any(r["state"] in ("queued", "running") for r in self._listed[dag_id])

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
            time.sleep(self.poll)


def _event(event: dict) -> dict:
    return records.event(event.get("id"), event.get("uri"), event.get("source_dag_id"), event.get("source_task_id"),
                         event.get("source_run_id"), event.get("timestamp"), extra=event.get("extra"),
                         source_map_index=event.get("source_map_index"))
