"""Run the learner's DAGs the way Airflow does, on the throwaway metadata DB this process owns.

1. Write the DAGs the parse child serialized into the DB (what the DAG processor manager does).
2. Unpause both DAGs, then let the scheduler's own run-creation step make the producer's run.
3. Run its tasks under Airflow's task supervisor: each in a sandboxed child running the task runner.
4. Pause the producer, and let the same scheduler step turn the asset event into an
   asset-triggered consumer run; run its tasks the same way.
5. Read the Asset's record that the UI's Assets view shows.

Learner code never runs in this process: only in the task children the supervisor forks.
"""

from __future__ import annotations

import signal
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from exercise_cli.checks._errors import exception_line, last_frame_in
from exercise_cli.exits import ended, last_line
from exercise_cli.facts import DagRunFacts, RunFacts, Submission, TaskRun
from exercise_cli.trusted import execution_api
from exercise_cli.trusted.diagnosis import why_not_triggered
from exercise_cli.trusted.protocol import PHASE_DOING, ProgressWriter
from exercise_cli.trusted.supervised import OUTPUT_LIMIT_BYTES, run_supervised
from exercise_cli.trusted.task_logs import error_of, task_output
from exercise_cli.untrusted.jail import Jail

BUNDLE_NAME = "dags-folder"
_STEP_PHASE = {
    "register": "register",
    "run_producer": "producer_run",
    "create_consumer_run": "scheduler",
    "run_consumer": "consumer_run",
    "read_assets_view": "assets_view",
}


class Pipeline:
    def __init__(
        self,
        sub: Submission,
        progress: ProgressWriter,
        log_dir: Path,
        jail: Jail | None,
        task_timeout: float,
    ) -> None:
        from airflow import settings

        self.sub = sub
        self.progress = progress
        self.log_dir = log_dir
        self.jail = jail
        self.task_timeout = task_timeout
        self._client: Any = None
        self.session = settings.Session()
        self.facts = RunFacts()
        self.course = sub.exercise
        self._asset_run: Any = None

    def run(self) -> RunFacts:
        if not self._step(self.register):
            return self.facts
        steps = [self.run_producer]
        if self.sub.consumer is not None:  # without one, the producer's steps still get their verdicts
            steps += [self.create_consumer_run, self.run_consumer]
        for step in steps:
            if not self._step(step):
                break
        # The Assets view depends on parsing alone: worth reading whatever the runs did.
        self._step(self.read_assets_view)
        return self.facts

    def _step(self, step: Callable[[], bool]) -> bool:
        self.progress.phase(_STEP_PHASE[step.__name__])
        try:
            return step()
        except Exception as exc:  # Airflow refused a step: its check reports it
            self.facts.error = f"Airflow failed while {step.__name__.replace('_', ' ')}: {type(exc).__name__}: {exc}"
            traceback.print_exc()
            return False

    # 1
    def register(self) -> bool:
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
        for dag_id in [d.dag_id for d in (self.sub.producer, self.sub.consumer) if d is not None]:
            model = self.session.get(DagModel, dag_id)
            registered[dag_id] = {
                "in_db": model is not None,
                "is_stale": bool(model.is_stale) if model else None,
                "serialized": SerializedDagModel.get(dag_id, session=self.session) is not None,
            }
        self.facts.registered = registered
        self.facts.db_import_errors = [
            {"filename": self.sub.learner_path(str(folder / e.filename)), "error": e.stacktrace}
            for e in self.session.query(ParseImportError).all()
        ]
        return self.session.get(DagModel, self.sub.producer.dag_id) is not None

    # 2 and 3
    def run_producer(self) -> bool:
        from airflow.models.dagrun import DagRun
        from airflow.utils.types import DagRunType

        producer_id = self.sub.producer.dag_id
        consumer_id = self.sub.consumer.dag_id if self.sub.consumer is not None else None
        # A paused consumer gets no queue entry for the asset event: unpause it before producing.
        self._set_paused({producer_id: False, **({consumer_id: False} if consumer_id else {})})
        self._scheduler_step()
        self._set_paused({producer_id: True})  # one producer run is enough
        dagrun = (
            self.session.query(DagRun)
            .filter(DagRun.dag_id == producer_id, DagRun.run_type == DagRunType.SCHEDULED)
            .order_by(DagRun.id)
            .first()
        )
        note = ""
        if dagrun is None:
            # No scheduled run is due (no schedule, or a start date in the future): trigger it.
            dagrun = self._trigger_manual_run(self.sub.dags[producer_id])
            note = " (triggered manually: the scheduler had no run due)"
        facts = self._run_tasks(dagrun, self.sub.dags[producer_id], "producer_run")
        facts.note = note
        self.facts.producer_run = facts
        self.facts.asset_events = self._events_of(dagrun)
        return facts.state == "success"

    # 4
    def create_consumer_run(self) -> bool:
        from airflow.models.dagrun import DagRun
        from airflow.utils.types import DagRunType

        consumer_id = self.sub.consumer.dag_id
        self._scheduler_step()
        runs = (
            self.session.query(DagRun)
            .filter(DagRun.dag_id == consumer_id, DagRun.run_type == DagRunType.ASSET_TRIGGERED)
            .order_by(DagRun.id)
            .all()
        )
        self.facts.consumer_runs = [
            DagRunFacts(r.dag_id, r.run_id, _value(r.run_type), _value(r.state), consumed_events=self._consumed(r))
            for r in runs
        ]
        if not runs:
            self.facts.trigger_diagnosis = self._why_not_triggered()
            return False
        self._asset_run = runs[0]
        return True

    def run_consumer(self) -> bool:
        dagrun = self._asset_run
        facts = self._run_tasks(dagrun, self.sub.consumer, "consumer_run")
        facts.consumed_events = self._consumed(dagrun)
        self.facts.consumer_run = facts
        return facts.state == "success"

    # 5
    def read_assets_view(self) -> bool:
        from airflow.models.asset import AssetActive, AssetModel

        self.session.expire_all()
        asset = self.session.query(AssetModel).filter(AssetModel.uri == self.course.asset_uri).first()
        if asset is None:
            self.facts.asset_record = {}
            return True
        active = (
            self.session.query(AssetActive)
            .filter(AssetActive.name == asset.name, AssetActive.uri == asset.uri)
            .first()
        )
        self.facts.asset_record = {
            "id": asset.id,
            "uri": asset.uri,
            "name": asset.name,
            "active": active is not None,
            "producing_tasks": [{"dag_id": r.dag_id, "task_id": r.task_id} for r in asset.producing_tasks],
            "scheduled_dags": [{"dag_id": r.dag_id} for r in asset.scheduled_dags],
        }
        return True

    # helpers
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
                            tasks.append(TaskRun(ti.task_id, _value(ti.state), "", now, now, f"left in state {_value(ti.state)}"))
                break
            for ti in scheduled:
                tasks.append(self._run_one(ti, phase))
        session.expire_all()
        dagrun = session.merge(dagrun)
        return DagRunFacts(dag.dag_id, dagrun.run_id, _value(dagrun.run_type), _value(dagrun.state), tasks)

    def _run_one(self, ti: Any, phase: str) -> TaskRun:
        from airflow.utils.state import TaskInstanceState

        ti.state = TaskInstanceState.QUEUED  # what an executor is handed
        self.session.commit()
        if self._client is None:
            self._client = execution_api.client(self.sub.dags[ti.dag_id])
        log_path = self.log_dir / f"{ti.dag_id}.{ti.task_id}.{ti.map_index}.{ti.try_number}.log"
        self.progress.task_started(phase, ti.dag_id, ti.task_id)
        oom_kills = self.jail.oom_kills() if self.jail else 0
        done = run_supervised(ti, self._client, self.jail, log_path, self.task_timeout)
        out_of_memory = bool(self.jail) and self.jail.oom_kills() > oom_kills
        self.session.expire_all()
        state = _value(self.session.merge(ti).state)
        self.progress.task_finished(phase, ti.dag_id, ti.task_id, state)
        run = TaskRun(ti.task_id, state, task_output(done.log_lines), done.started, done.ended)
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
        return [_event_dict(e) for e in events]

    def _consumed(self, dagrun: Any) -> list[dict]:
        from airflow.models.dagrun import DagRun

        fresh = self.session.get(DagRun, dagrun.id)
        return [_event_dict(e) for e in fresh.consumed_asset_events]

    def _why_not_triggered(self) -> str:
        from airflow.models.asset import AssetDagRunQueue, DagScheduleAssetReference
        from airflow.models.dag import DagModel

        consumer_id = self.sub.consumer.dag_id
        produced = sorted({e["uri"] for e in self.facts.asset_events or []})
        model = self.session.get(DagModel, consumer_id)
        if model is None:
            return why_not_triggered(consumer_id, produced, None, "", None)
        refs = self.session.query(DagScheduleAssetReference).filter(DagScheduleAssetReference.dag_id == consumer_id).all()
        queued = self.session.query(AssetDagRunQueue).filter(AssetDagRunQueue.target_dag_id == consumer_id).count()
        return why_not_triggered(consumer_id, produced, sorted({r.asset.uri for r in refs}), model.timetable_summary,
                                 model.asset_expression, queued)


def _value(enum_or_str: Any) -> str:
    return str(getattr(enum_or_str, "value", enum_or_str))


def _event_dict(event: Any) -> dict:
    return {
        "id": event.id,
        "uri": event.asset.uri if event.asset else None,
        "source_dag_id": event.source_dag_id,
        "source_task_id": event.source_task_id,
        "source_run_id": event.source_run_id,
        "timestamp": event.timestamp.isoformat() if event.timestamp else None,
    }
