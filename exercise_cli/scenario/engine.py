"""The one scenario engine: walks an exercise's scenario (exercise.toml's [[scenario]]) against a backend
and files what happened as RunFacts, keyed by DAG id and Asset URI.

Steps name DAGs by their DagSpec key; the DAG run is the learner's (sub.dag(spec): its id may differ from
the wanted one). A DAG the learner has not written yet is skipped by the steps about it, so a producer
alone still gets its run. A step that fails stops the walk, except the Assets view: it depends on
parsing alone, so it is read whatever the runs did. A "not_triggered" step records what the scheduler
did and goes on: the checks decide whether a run made there is wrong.
"""

from __future__ import annotations

import random

from exercise_cli.course import Exercise, Step
from exercise_cli.facts import DagRunFacts, EarlyCheck, RunFacts, Submission
from exercise_cli.protocol import StepDone
from exercise_cli.scenario.backend import Backend, Progress
from exercise_cli.scenario.step_summary import step_done

# What the grader was doing, for RunFacts.error ("Airflow failed while <doing>: ...").
_DOING = {
    ("register", ""): "register",
    ("run", "producer"): "run producer",
    ("run", "consumer"): "run consumer",
    ("event", ""): "post an asset event",
    ("not_triggered", "consumer"): "create consumer run",
    ("triggered", "consumer"): "create consumer run",
    ("assets_view", ""): "read assets view",
}


def why_not_run(sub: Submission) -> str:
    """Why the scenario is not walked at all (empty: walk it). A producer alone is run: its steps get
    credit before any consumer exists."""
    if sub.parse_failure is not None:
        return "not run: your DAG files did not finish importing"
    if sub.import_errors and not sub.dags:
        return "not run: your DAG file does not import"
    if not sub.found("producer"):
        return f"not run: no producer DAG yet ({', '.join(spec.id for spec in sub.exercise.producers)})"
    return ""


def run_scenario(exercise: Exercise, sub: Submission, backend: Backend, progress: Progress,
                 facts: RunFacts | None = None) -> RunFacts:
    """Walk the scenario; `facts` (new if None) is filled step by step, so a caller holding it sees
    whatever was gathered before a step raised."""
    facts = facts if facts is not None else RunFacts()
    _Walk(exercise, sub, backend, progress, facts).walk()
    return facts


class _Walk:
    def __init__(self, exercise: Exercise, sub: Submission, backend: Backend, progress: Progress,
                 facts: RunFacts) -> None:
        self.exercise, self.sub, self.backend, self.progress, self.facts = exercise, sub, backend, progress, facts
        self.prepared = False
        self.latest_events: list[dict] | None = None  # what the latest producer run or "event" step recorded
        self.chosen: dict[str, DagRunFacts] = {}  # consumer dag_id -> the asset-triggered run its "run" step runs
        self.said_missing: set[str] = set()  # DagSpec keys whose "not written yet" line was emitted

    def walk(self) -> None:
        going = True
        try:
            for step in self.exercise.scenario:
                if going or step.step == "assets_view":
                    going = self._step(step) and going
        finally:
            self.facts.unavailable.update(self.backend.unavailable)

    def _step(self, step: Step) -> bool:
        self.progress.phase(self.exercise.phase(step))
        role = self.exercise.dags[step.dag].role if step.dag else ""
        error = ""
        try:
            going = getattr(self, step.step)(step)
        except Exception as exc:
            text = self.backend.failure(exc, _DOING.get((step.step, role), step.step.replace("_", " ")))
            if text is None:
                raise
            self.facts.error = self.facts.error or text
            going, error = False, text
        # What the step found, for whoever watches the walk (run-demo, check on a terminal); a DAG not written
        # yet is said once, at its first step.
        dag_id = self._dag_id(step) if step.dag else None
        if not (step.dag and dag_id is None and step.dag in self.said_missing):
            self.progress.send(StepDone(**step_done(self.exercise, step, dag_id, self.facts, going, self.chosen, error)))
        if step.dag and dag_id is None:
            self.said_missing.add(step.dag)
        return going

    def _dag_id(self, step: Step) -> str | None:
        dag = self.sub.dag(self.exercise.dags[step.dag])
        return dag.dag_id if dag is not None else None

    def _updated(self) -> list[str]:
        return sorted({event["uri"] for event in self.facts.all_events() if event.get("uri")})

    # the steps
    def register(self, step: Step) -> bool:
        found = self.sub.found()
        registered, import_errors = self.backend.register([dag.dag_id for _, dag in found])
        self.facts.registered = registered
        self.facts.db_import_errors = import_errors
        producers = [dag.dag_id for spec, dag in found if spec.role == "producer"]
        return bool(producers) and all(registered.get(dag_id, {}).get("in_db") for dag_id in producers)

    def run(self, step: Step) -> bool:
        dag_id = self._dag_id(step)
        if dag_id is None:
            return True  # not written yet: its checks wait for it
        if self.exercise.dags[step.dag].role == "consumer":
            chosen = self.chosen.get(dag_id)
            if chosen is None:  # no "triggered" step found its run
                return False
            ran = self.backend.run_consumer(chosen)
            self.facts.runs[dag_id] = ran
            return ran.state == "success"
        if not self.prepared:
            self.backend.prepare_runs([dag.dag_id for _, dag in self.sub.found("consumer")],
                                      [dag.dag_id for _, dag in self.sub.found("producer")])
            self.prepared = True
        ran, events = self.backend.run_producer(dag_id, step.how)
        self.facts.runs[dag_id] = ran
        self.facts.events[dag_id] = events
        self.latest_events = events
        return ran.state == "success"

    def event(self, step: Step) -> bool:
        extra = {**step.extra, **{key: random.randint(1_000, 99_999) for key in step.random_ints}}
        event = self.backend.post_event(self.exercise.asset(step.asset).uri, extra)
        self.facts.posted_events.append(event)
        self.latest_events = [event]
        return True

    def not_triggered(self, step: Step) -> bool:
        dag_id = self._dag_id(step)
        if dag_id is None:
            return True
        self.facts.early[dag_id] = EarlyCheck(updated=self._updated(), runs=self.backend.early_runs(dag_id))
        return True  # a run made too early is the checks' to judge; the walk goes on

    def triggered(self, step: Step) -> bool:
        dag_id = self._dag_id(step)
        if dag_id is None:
            return True
        events = self.facts.all_events()
        runs = self.backend.triggered_runs(dag_id, events)
        self.facts.triggered[dag_id] = runs
        if not runs:
            self.facts.trigger_diagnosis[dag_id] = self.backend.why_not_triggered(dag_id, events)
            return False
        if self.latest_events:
            # The run the latest event triggered (an earlier one may have come too early, or from an earlier event).
            ids = {e.get("id") for e in self.latest_events}
            chosen = next((r for r in runs if any(e.get("id") in ids for e in r.consumed_events)), None)
        else:
            chosen = runs[0]
        if chosen is None:
            return False
        self.chosen[dag_id] = chosen
        return True

    def assets_view(self, step: Step) -> bool:
        records = self.backend.asset_records([asset.uri for asset in self.exercise.assets.values()])
        if records is not None:
            self.facts.asset_records = records
        return True
