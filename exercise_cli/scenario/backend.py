"""What the scenario engine asks of a backend: the Airflow-facing half of each step.

A backend answers with the records of records.py and keeps no facts: the engine files what it gets
under DAG ids and Asset URIs. It raises on a refusal (Airflow's or a deployment's) and words it in
`failure`; the engine knows no backend's internals.
"""

from __future__ import annotations

from typing import Protocol

from exercise_cli.protocol import Progress as ProgressMessage
from exercise_cli.facts import DagRunFacts


class Progress(Protocol):
    """Where the engine and its backend report what they are doing (the grading process: progress.jsonl)."""

    def phase(self, name: str) -> None: ...

    def send(self, message: ProgressMessage) -> None: ...  # e.g. protocol.Note: a line for the learner

    def task_started(self, phase: str, dag_id: str, task_id: str) -> None: ...

    def task_finished(self, phase: str, dag_id: str, task_id: str, state: str) -> None: ...


class Backend(Protocol):
    unavailable: dict[str, str]  # a fact this backend could not obtain -> why (RunFacts.unavailable)

    def register(self, dag_ids: list[str]) -> tuple[dict[str, dict], list[dict]]:
        """The DAGs as Airflow lists them: {dag_id: records.registration(...)}, and the import errors it
        holds ({"filename", "error"})."""

    def prepare_runs(self, consumer_ids: list[str], producer_ids: list[str]) -> None:
        """Before the first producer run: unpause every consumer (a paused consumer gets no queue entry
        for an asset event), and whatever else the backend needs before it makes producer runs."""

    def run_producer(self, dag_id: str, how: str) -> tuple[DagRunFacts, list[dict]]:
        """One run of a producer (`how`: "schedule", the scheduler's due run else a trigger, with the note
        saying so; "trigger") with its tasks run to the end, and the asset events that run recorded."""

    def post_event(self, uri: str, extra: dict) -> dict:
        """An "event" step: create an asset event of the Asset with this extra, as the REST API's
        `POST /assets/events` (the Assets view's "Create Asset Event") does; the event as records.event."""

    def early_runs(self, consumer_id: str) -> list[DagRunFacts]:
        """A "not_triggered" step: let the scheduler do its asset step, and return the consumer's
        asset-triggered runs made since the scenario began (consumed events filled)."""

    def triggered_runs(self, consumer_id: str, events: list[dict]) -> list[DagRunFacts]:
        """A "triggered" step: let the scheduler turn `events` (every event so far) into asset-triggered runs
        of the consumer, and return its runs made since the scenario began (consumed events filled)."""

    def why_not_triggered(self, consumer_id: str, events: list[dict]) -> str:
        """Why no asset-triggered run of the consumer came from `events` (scenario/diagnosis.py's words)."""

    def run_consumer(self, run: DagRunFacts) -> DagRunFacts:
        """Run an asset-triggered run (one of triggered_runs') to the end."""

    def asset_records(self, uris: list[str]) -> dict[str, dict] | None:
        """The Assets view's record of each URI ({} where it lists none); None: the backend may not
        read them (said in `unavailable`)."""

    def failure(self, exc: Exception, doing: str) -> str | None:
        """RunFacts.error for an exception raised while `doing` a step; None: not a refusal, the
        grader's own fault (the engine raises it on)."""
