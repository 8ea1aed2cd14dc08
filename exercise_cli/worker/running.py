"""Run the learner's DAGs the way Airflow does, in this process, on the throwaway metadata DB.

1. Parse and serialize the DAGs into the DB (what the DAG processor does).
2. Unpause both DAGs, then let the scheduler's own run-creation step make the producer's run.
3. Run its tasks with Airflow's in-process task runner (the loop `airflow dags test` uses).
4. Pause the producer, and let the same scheduler step turn the asset event into an
   asset-triggered consumer run; run its tasks the same way.
5. Read the Asset's record that the UI's Assets view shows.
"""

from __future__ import annotations

import time
import traceback
from pathlib import Path
from typing import Any, Callable

from exercise_cli.checks._airflow import scheduler_view
from exercise_cli.checks._errors import exception_line, last_frame_in
from exercise_cli.checks._support import DagRunFacts, RunFacts, Submission, TaskRun
from exercise_cli.worker.capture import captured_fds, read_tail, task_output
from exercise_cli.worker.protocol import ProgressWriter

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
        bag: Any,
        progress: ProgressWriter,
        capture_dir: Path,
        on_step_done: Callable[[], None] | None = None,
    ) -> None:
        from airflow import settings

        self.sub = sub
        self.bag = bag
        self.progress = progress
        self.capture_dir = capture_dir
        self.session = settings.Session()
        self.facts = RunFacts()
        self.course = sub.course
        self.on_step_done = on_step_done
        self.completed_phases: list[str] = []
        self._asset_run: Any = None

    def run(self) -> RunFacts:
        if not self._step(self.register):
            return self.facts
        for step in (self.run_producer, self.create_consumer_run, self.run_consumer):
            if not self._step(step):
                break
        # The Assets view depends on parsing alone: worth reading whatever the runs did.
        self._step(self.read_assets_view)
        return self.facts

    def _step(self, step: Callable[[], bool]) -> bool:
        try:
            return step()
        except Exception as exc:  # Airflow refused a step: its check reports it
            self.facts.error = f"Airflow failed while {step.__name__.replace('_', ' ')}: {type(exc).__name__}: {exc}"
            traceback.print_exc()
            return False
        finally:
            self.completed_phases.append(_STEP_PHASE[step.__name__])
            if self.on_step_done:
                self.on_step_done()

    # 1
    def register(self) -> bool:
        from airflow.dag_processing.bundles.manager import DagBundlesManager
        from airflow.dag_processing.dagbag import sync_bag_to_db
        from airflow.models.dag import DagModel
        from airflow.models.errors import ParseImportError
        from airflow.models.serialized_dag import SerializedDagModel

        self.progress.phase("register")
        DagBundlesManager().sync_bundles_to_db(session=self.session)
        self.session.commit()
        sync_bag_to_db(self.bag, BUNDLE_NAME, None, session=self.session)
        self.session.commit()
        registered = {}
        for dag_id in (self.course.producer_dag_id, self.course.consumer_dag_id):
            model = self.session.get(DagModel, dag_id)
            registered[dag_id] = {
                "in_db": model is not None,
                "is_stale": bool(model.is_stale) if model else None,
                "serialized": SerializedDagModel.get(dag_id, session=self.session) is not None,
            }
        self.facts.registered = registered
        self.facts.db_import_errors = [
            {"filename": self.sub.learner_path(str(Path(self.bag.dag_folder) / e.filename)), "error": e.stacktrace}
            for e in self.session.query(ParseImportError).all()
        ]
        return all(r["in_db"] and r["serialized"] for r in registered.values())

    # 2 and 3
    def run_producer(self) -> bool:
        from airflow.models.dagrun import DagRun
        from airflow.utils.types import DagRunType

        self.progress.phase("producer_run")
        producer_id, consumer_id = self.course.producer_dag_id, self.course.consumer_dag_id
        # A paused consumer gets no queue entry for the asset event: unpause it before producing.
        self._set_paused({producer_id: False, consumer_id: False})
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
            dagrun = self._trigger_manual_run(self.bag.dags[producer_id])
            note = " (triggered manually: the scheduler had no run due)"
        facts = self._run_tasks(dagrun, self.bag.dags[producer_id], "producer_run")
        facts.note = note
        self.facts.producer_run = facts
        self.facts.asset_events = self._events_of(dagrun)
        return facts.state == "success"

    # 4
    def create_consumer_run(self) -> bool:
        from airflow.models.dagrun import DagRun
        from airflow.utils.types import DagRunType

        self.progress.phase("scheduler")
        consumer_id = self.course.consumer_dag_id
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
        self.progress.phase("consumer_run")
        dagrun = self._asset_run
        facts = self._run_tasks(dagrun, self.bag.dags[self.course.consumer_dag_id], "consumer_run")
        facts.consumed_events = self._consumed(dagrun)
        self.facts.consumer_run = facts
        return facts.state == "success"

    # 5
    def read_assets_view(self) -> bool:
        from airflow.models.asset import AssetActive, AssetModel

        self.progress.phase("assets_view")
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

        scheduler_dag = scheduler_view(dag)  # the static checks already made it
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
        """Airflow's `dags test` loop: let the run schedule its tasks, run each in-process, repeat."""
        from airflow.sdk.definitions.dag import _run_task
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
                tasks.append(self._run_one(ti, dag.task_dict[ti.task_id], phase, _run_task))
        session.expire_all()
        dagrun = session.merge(dagrun)
        return DagRunFacts(dag.dag_id, dagrun.run_id, _value(dagrun.run_type), _value(dagrun.state), tasks)

    def _run_one(self, ti: Any, task: Any, phase: str, run_task: Any) -> TaskRun:
        capture = self.capture_dir / f"{ti.dag_id}.{ti.task_id}.{ti.map_index}.log"
        self.progress.task_started(phase, ti.dag_id, ti.task_id)
        started = time.time()
        error: BaseException | None = None
        with captured_fds(capture):
            try:
                result = run_task(ti=ti, task=task, run_triggerer=True)
                error = getattr(result, "error", None) if result is not None else None
            except Exception as exc:  # the runner itself failed; the task counts as failed
                error = exc
        ended = time.time()
        self.session.expire_all()
        state = _value(self.session.merge(ti).state)
        self.progress.task_finished(phase, ti.dag_id, ti.task_id, state)
        output = task_output(read_tail(capture))
        run = TaskRun(ti.task_id, state, output, started, ended)
        if state != "success":
            self._describe_error(run, error, output)
        return run

    def _describe_error(self, run: TaskRun, error: BaseException | None, output: str) -> None:
        files = set(self.sub.learner_paths)
        if error is not None:
            text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            run.error = f"{type(error).__name__}: {error}"
        else:
            text = output
            run.error = exception_line(output) if output.strip() else None
        file, line = last_frame_in(text, files)
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

        consumer_id = self.course.consumer_dag_id
        events = self.facts.asset_events or []
        if not events:
            return "the producer run recorded no asset event, so there was nothing to trigger it"
        model = self.session.get(DagModel, consumer_id)
        if model is None:
            return f"{consumer_id} is not in the metadata database"
        refs = self.session.query(DagScheduleAssetReference).filter(DagScheduleAssetReference.dag_id == consumer_id).all()
        scheduled_uris = sorted({r.asset.uri for r in refs})
        produced_uris = sorted({e["uri"] for e in events})
        if not scheduled_uris:
            return f"{consumer_id} is not scheduled on any Asset (its schedule is {model.timetable_summary!r})"
        if not set(scheduled_uris) & set(produced_uris):
            return f"the producer updated {produced_uris} but {consumer_id} is scheduled on {scheduled_uris}"
        queued = self.session.query(AssetDagRunQueue).filter(AssetDagRunQueue.target_dag_id == consumer_id).count()
        return (
            f"the event for {produced_uris} was queued for {consumer_id} ({queued} queue entr{'y' if queued == 1 else 'ies'}), "
            f"but its condition {model.asset_expression} is not met by that Asset alone"
        )


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
