"""The local backend: the scenario run the way Airflow runs it, on the throwaway metadata DB this
grading process owns.

- register: write the DAGs the parse child serialized into the DB (what the DAG processor does);
- producer runs: the scheduler loop's own run-creation step makes a scheduled producer's due run
  (else it is triggered, as `airflow dags trigger` does); its tasks run under Airflow's task
  supervisor, each in a sandboxed child running the task runner;
- the scheduler's asset step: the same scheduler code turns the asset events into asset-triggered
  consumer runs, whose tasks run the same way;
- the Assets view: the Asset rows the UI reads.

Nothing is faked, and learner code never runs in this process: only in the task children the
supervisor forks.
"""

from __future__ import annotations

import signal
import time
import traceback
from pathlib import Path
from typing import Any

from exercise_cli.checks import exception_line, last_frame_in
from exercise_cli.exits import ended, last_line
from exercise_cli.facts import DagRunFacts, Submission, TaskRun
from exercise_cli.scenario import records
from exercise_cli.scenario.backend import Progress
from exercise_cli.grading_process import execution_api
from exercise_cli.scenario.diagnosis import why_not_triggered
from exercise_cli.protocol import PHASE_DOING
from exercise_cli.grading_process.supervised import OUTPUT_LIMIT_BYTES, run_supervised
from exercise_cli.task_logs import error_of, task_output
from exercise_cli.sandbox.jail import Jail

BUNDLE_NAME = "dags-folder"
MANUAL_NOTE = " (triggered manually: the scheduler had no run due)"


def _already_ended(exc: Exception) -> bool:
    """Whether Airflow's Execution API refused a state update because the task instance had already ended (409)."""
    from airflow.sdk.api.client import ServerResponseError

    return isinstance(exc, ServerResponseError) and exc.response.status_code == 409


class LocalBackend:
    def __init__(self, sub: Submission, progress: Progress, log_dir: Path, jail: Jail | None,
                 task_timeout: float) -> None:
        from airflow import settings

        self.sub = sub
        self.progress = progress
        self.log_dir = log_dir
        self.jail = jail
        self.task_timeout = task_timeout
        self.unavailable: dict[str, str] = {}
        self.session = settings.Session()
        self._clients: dict[str, Any] = {}  # dag_id -> its tasks' client: the API serves a task its own DAG's runs only
        self._dagruns: dict[str, Any] = {}  # run_id -> the DagRun row, for run_consumer

    def failure(self, exc: Exception, doing: str) -> str | None:
        traceback.print_exc()  # for the grader's own log: Airflow refused a step, its check reports it
        if doing.startswith("run ") and _already_ended(exc):
            # The task told Airflow its result, then its process went on (an atexit handler, a thread) until the
            # grader stopped it: the supervisor's late "failed" meets a task instance that had already ended.
            return (f"the {doing.split()[-1]}'s task did not end: after the task it reported its result, but its "
                    "process kept running (an atexit handler, a thread or a child process that does not stop?) "
                    "until the grader stopped it")
        return f"Airflow failed while {doing}: {type(exc).__name__}: {exc}"

    # register
    def register(self, dag_ids: list[str]) -> tuple[dict[str, dict], list[dict]]:
        from airflow.dag_processing.bundles.manager import DagBundlesManager
        from airflow.dag_processing.collection import update_dag_parsing_results_in_db
        from airflow.models.dag import DagModel
        from airflow.models.errors import ParseImportError
        from airflow.models.serialized_dag import SerializedDagModel
        from airflow.serialization.serialized_objects import LazyDeserializedDAG

        DagBundlesManager().sync_bundles_to_db(session=self.session)
        self.session.commit()
        folder = Path(self.sub.dags_folder)
        import_errors = {
            (BUNDLE_NAME, str(Path(path).relative_to(folder))): text for path, text in self.sub.copied_import_errors.items()
        }
        update_dag_parsing_results_in_db(
            BUNDLE_NAME,
            None,
            [LazyDeserializedDAG(data=data) for data in self.sub.serialized.values()],
            import_errors,
            None,
            set(),
            session=self.session,
            files_parsed={(BUNDLE_NAME, str(Path(p).relative_to(folder))) for p in self.sub.learner_paths},
        )
        self.session.commit()
        registered = {}
        for dag_id in dag_ids:
            model = self.session.get(DagModel, dag_id)
            registered[dag_id] = records.registration(
                in_db=model is not None,
                is_stale=bool(model.is_stale) if model else None,
                serialized=SerializedDagModel.get(dag_id, session=self.session) is not None,
            )
        errors = [records.import_error(self.sub.learner_path(str(folder / e.filename)), e.stacktrace)
                  for e in self.session.query(ParseImportError).all()]
        return registered, errors

    # producer runs
    def prepare_runs(self, consumer_ids: list[str], producer_ids: list[str]) -> None:
        # A paused consumer gets no queue entry for the asset event: unpause it before producing.
        self._set_paused({dag_id: False for dag_id in consumer_ids})

    def run_producer(self, dag_id: str, how: str) -> tuple[DagRunFacts, list[dict]]:
        dagrun, note = None, ""
        if how == "schedule":
            dagrun = self._scheduled_run(dag_id)
        if dagrun is None:
            # No scheduled run is due (no schedule, or a start date in the future), or a trigger was asked for.
            self._set_paused({dag_id: True})  # its schedule, if any, makes no run in a later scheduler step
            dagrun = self._trigger_manual_run(self.sub.dags[dag_id])
            note = MANUAL_NOTE if how == "schedule" else ""
        facts = self._run_tasks(dagrun, self.sub.dags[dag_id], "producer_run")
        facts.note = note
        return facts, self._events_of(dagrun)

    def _scheduled_run(self, dag_id: str) -> Any:
        """The run the scheduler's own step makes of a producer due to run (unpaused for that step only:
        one producer run is enough)."""
        from airflow.models.dagrun import DagRun
        from airflow.utils.types import DagRunType

        self._set_paused({dag_id: False})
        self._scheduler_step()
        self._set_paused({dag_id: True})
        return (
            self.session.query(DagRun)
            .filter(DagRun.dag_id == dag_id, DagRun.run_type == DagRunType.SCHEDULED)
            .order_by(DagRun.id)
            .first()
        )

    def post_event(self, uri: str, extra: dict) -> dict:
        """Through the REST API's own route function (`POST /assets/events`), called in this process: the
        event and its extra are what a deployment's API would record."""
        from airflow.api_fastapi.core_api.datamodels.assets import CreateAssetEventsBody
        from airflow.api_fastapi.core_api.routes.public.assets import create_asset_event
        from airflow.models.asset import AssetEvent, AssetModel

        asset = self.session.query(AssetModel).filter(AssetModel.uri == uri).first()
        if asset is None:
            raise LookupError(f"no Asset {uri} in the metadata DB")
        made = create_asset_event(body=CreateAssetEventsBody(asset_id=asset.id, extra=extra), session=self.session, user=None)
        self.session.commit()
        return _event(self.session.get(AssetEvent, made.id))

    # the scheduler's asset step
    def early_runs(self, consumer_id: str) -> list[DagRunFacts]:
        # Every run, of any type: a consumer on Assets OR a timetable gets a scheduled run from this step.
        self._scheduler_step()
        return self._runs_of(consumer_id, only_asset_triggered=False)

    def triggered_runs(self, consumer_id: str, events: list[dict]) -> list[DagRunFacts]:
        self._scheduler_step()
        return self._runs_of(consumer_id, only_asset_triggered=True)

    def _runs_of(self, consumer_id: str, only_asset_triggered: bool) -> list[DagRunFacts]:
        """The consumer's runs (this DB is the scenario's own: every run in it was made since it began)."""
        from airflow.models.dagrun import DagRun
        from airflow.utils.types import DagRunType

        query = self.session.query(DagRun).filter(DagRun.dag_id == consumer_id)
        if only_asset_triggered:
            query = query.filter(DagRun.run_type == DagRunType.ASSET_TRIGGERED)
        runs = query.order_by(DagRun.id).all()
        self._dagruns.update({r.run_id: r for r in runs})
        return [records.dag_run(r.dag_id, r.run_id, r.run_type, r.state, consumed_events=self._consumed(r)) for r in runs]

    def why_not_triggered(self, consumer_id: str, events: list[dict]) -> str:
        from airflow.models.asset import AssetDagRunQueue, DagScheduleAssetReference
        from airflow.models.dag import DagModel

        produced = sorted({e["uri"] for e in events if e.get("uri")})
        model = self.session.get(DagModel, consumer_id)
        if model is None:
            return why_not_triggered(consumer_id, produced, None, "", None)
        refs = self.session.query(DagScheduleAssetReference).filter(DagScheduleAssetReference.dag_id == consumer_id).all()
        queued = self.session.query(AssetDagRunQueue).filter(AssetDagRunQueue.target_dag_id == consumer_id).count()
        return why_not_triggered(consumer_id, produced, sorted({r.asset.uri for r in refs}), model.timetable_summary,
                                 model.asset_expression, queued)

    # consumer runs
    def run_consumer(self, run: DagRunFacts) -> DagRunFacts:
        dagrun = self._dagruns[run.run_id]
        facts = self._run_tasks(dagrun, self.sub.dags[run.dag_id], "consumer_run")
        facts.consumed_events = self._consumed(dagrun)
        return facts

    # the Assets view
    def asset_records(self, uris: list[str]) -> dict[str, dict]:
        from airflow.models.asset import AssetActive, AssetModel

        self.session.expire_all()
        found = {}
        for uri in uris:
            asset = self.session.query(AssetModel).filter(AssetModel.uri == uri).first()
            if asset is None:
                found[uri] = {}
                continue
            active = (
                self.session.query(AssetActive)
                .filter(AssetActive.name == asset.name, AssetActive.uri == asset.uri)
                .first()
            )
            found[uri] = records.asset_record(
                asset.id, asset.uri, asset.name, active is not None,
                [(r.dag_id, r.task_id) for r in asset.producing_tasks], [r.dag_id for r in asset.scheduled_dags],
            )
        return found

    # Airflow's own steps
    def _set_paused(self, paused: dict[str, bool]) -> None:
        from airflow.models.dag import DagModel

        for dag_id, value in paused.items():
            self.session.query(DagModel).filter(DagModel.dag_id == dag_id).update({DagModel.is_paused: value})
        self.session.commit()

    def _scheduler_step(self) -> None:
        """The scheduler loop's steps that create runs and start queued ones.

        SchedulerJobRunner._create_dagruns_for_dags makes scheduled and asset-triggered runs;
        _start_queued_dagruns moves them to running, as `airflow scheduler` does each loop.
        """
        from airflow.utils.sqlalchemy import prohibit_commit

        runner = self._new_scheduler()
        with prohibit_commit(self.session) as guard:
            runner._create_dagruns_for_dags(guard, self.session)
        self.session.commit()
        runner._start_queued_dagruns(self.session)
        self.session.commit()

    def _new_scheduler(self) -> Any:
        from airflow.jobs.job import Job
        from airflow.jobs.scheduler_job_runner import SchedulerJobRunner

        job = Job()
        runner = SchedulerJobRunner(job=job, num_runs=1)
        self.session.add(job)
        self.session.commit()
        return runner

    def _trigger_manual_run(self, dag: Any) -> Any:
        from airflow.models.dagrun import DagRun, get_or_create_dagrun
        from airflow.utils import timezone
        from airflow.utils.types import DagRunTriggeredByType, DagRunType

        scheduler_dag = dag  # the scheduler's view: deserialized from what the parse child sent
        now = timezone.utcnow()
        interval = scheduler_dag.timetable.infer_manual_data_interval(run_after=now)
        return get_or_create_dagrun(
            dag=scheduler_dag,
            start_date=now,
            logical_date=now,
            data_interval=interval,
            run_after=now,
            run_id=DagRun.generate_run_id(run_type=DagRunType.MANUAL, logical_date=now, run_after=now),
            session=self.session,
            conf=None,
            triggered_by=DagRunTriggeredByType.CLI,
            triggering_user_name="exercise",
        )

    def _run_tasks(self, dagrun: Any, dag: Any, phase: str) -> DagRunFacts:
        """The `dags test` loop, with an executor's step: schedule the run's tasks, queue and run each, repeat."""
        from airflow.utils import timezone
        from airflow.utils.state import DagRunState, TaskInstanceState

        session = self.session
        if getattr(dagrun, "dag", None) is None:
            from airflow.models.dagbag import DBDagBag

            dagrun.dag = DBDagBag().get_dag_for_run(dag_run=dagrun, session=session)
        if dagrun.state != DagRunState.RUNNING:
            dagrun.state = DagRunState.RUNNING
            dagrun.start_date = timezone.utcnow()
            session.commit()
        tasks: list[TaskRun] = []
        while dagrun.state == DagRunState.RUNNING:
            session.expire_all()
            schedulable, _ = dagrun.update_state(session=session)
            for ti in schedulable:
                if ti.state != TaskInstanceState.UP_FOR_RESCHEDULE:
                    ti.try_number += 1
                ti.state = TaskInstanceState.SCHEDULED
                ti.scheduled_dttm = timezone.utcnow()
            session.commit()
            scheduled = [ti for ti in dagrun.get_task_instances(session=session) if ti.state == TaskInstanceState.SCHEDULED]
            if not scheduled:
                if dagrun.state == DagRunState.RUNNING:
                    # Waiting on retries, sensors or deferrals: a grader does not wait minutes.
                    for ti in dagrun.get_task_instances(session=session):
                        if ti.state not in (TaskInstanceState.SUCCESS, TaskInstanceState.SKIPPED):
                            now = time.time()
                            tasks.append(records.task_run(ti.task_id, ti.state, "", now, now,
                                                          f"left in state {records.value(ti.state)}"))
                break
            for ti in scheduled:
                tasks.append(self._run_one(ti, phase))
        session.expire_all()
        dagrun = session.merge(dagrun)
        return records.dag_run(dag.dag_id, dagrun.run_id, dagrun.run_type, dagrun.state, tasks)

    def _run_one(self, ti: Any, phase: str) -> TaskRun:
        from airflow.utils.state import TaskInstanceState

        ti.state = TaskInstanceState.QUEUED  # what an executor is handed
        self.session.commit()
        if ti.dag_id not in self._clients:
            self._clients[ti.dag_id] = execution_api.client(self.sub.dags[ti.dag_id])
        # one file per task instance (its id): a DAG run twice must not read the first run's lines as its own
        log_path = self.log_dir / f"{ti.dag_id}.{ti.task_id}.{ti.map_index}.{ti.try_number}.{ti.id}.log"
        self.progress.task_started(phase, ti.dag_id, ti.task_id)
        oom_kills = self.jail.oom_kills() if self.jail else 0
        done = run_supervised(ti, self._clients[ti.dag_id], self.jail, log_path, self.task_timeout)
        out_of_memory = bool(self.jail) and self.jail.oom_kills() > oom_kills
        self.session.expire_all()
        state = records.value(self.session.merge(ti).state)
        self.progress.task_finished(phase, ti.dag_id, ti.task_id, state)
        run = records.task_run(ti.task_id, state, task_output(done.log_lines), done.started, done.ended,
                               try_number=ti.try_number)
        if state != "success":
            self._describe_error(run, done, phase, ti, out_of_memory)
        return run

    def _describe_error(self, run: TaskRun, done: Any, phase: str, ti: Any, out_of_memory: bool) -> None:
        where = f"task {ti.task_id} of {ti.dag_id}"
        if done.stopped_because == "timeout":
            run.error = (f"timed out after {self.task_timeout:g} s: {where} was still running; "
                         "its processes were killed")
            run.stopped_because = "timeout"
            return
        if done.stopped_because == "output":
            run.error = (f"stopped while {PHASE_DOING[phase]}: the tasks printed more than "
                         f"{OUTPUT_LIMIT_BYTES // 2**20} MiB ({where})")
            run.stopped_because = "output"
            return
        text, summary = error_of(done.log_lines)
        limits = self.jail.limits if self.jail else None
        if summary:
            run.error = summary
        elif done.exit_code:
            run.error = f"the task process {ended(done.exit_code)} while {PHASE_DOING[phase]} ({where})"
            signum = -done.exit_code if done.exit_code < 0 else None
            hit = limits.describe_signal(signum, out_of_memory) if limits and signum else None
            if hit:
                run.error += f": {hit}"
            last = last_line(run.output)
            if last:
                run.error += f"; last output: {last}"
        else:
            run.error = exception_line(run.output) if run.output.strip() else None
        hit = limits.describe(text) if limits and text else None
        if out_of_memory and limits and not hit:  # one of its processes was killed for the group's memory
            hit = limits.describe_signal(signal.SIGKILL, out_of_memory=True)
        if hit and run.error:
            run.error += f" ({hit})"
        file, line = last_frame_in(text or run.output, set(self.sub.learner_paths))
        run.error_file, run.error_line = self.sub.learner_path(file), line

    def _events_of(self, dagrun: Any) -> list[dict]:
        from airflow.models.asset import AssetEvent

        events = (
            self.session.query(AssetEvent)
            .filter(AssetEvent.source_dag_id == dagrun.dag_id, AssetEvent.source_run_id == dagrun.run_id)
            .all()
        )
        return [_event(e) for e in events]

    def _consumed(self, dagrun: Any) -> list[dict]:
        from airflow.models.dagrun import DagRun

        fresh = self.session.get(DagRun, dagrun.id)
        return [_event(e) for e in fresh.consumed_asset_events]


def _event(row: Any) -> dict:
    return records.event(row.id, row.asset.uri if row.asset else None, row.source_dag_id, row.source_task_id,
                         row.source_run_id, row.timestamp.isoformat() if row.timestamp else None,
                         extra=row.extra, source_map_index=row.source_map_index)
