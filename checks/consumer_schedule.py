"""consumer_schedule: the consumer is asset-scheduled and the producer's Asset alone triggers it.

Decided on the scheduler's view of the consumer (its timetable's asset condition), evaluated as
the scheduler does with only the producer's Asset updated. References resolve as Airflow
resolves them: `Asset.ref(name=...)` to the Asset of that name, `Asset.ref(uri=...)` to the
Asset of that URI.
"""

from __future__ import annotations

from typing import Any

from exercise_cli.facts import Submission, is_asset_scheduled
from exercise_cli.results import CheckResult

from ._airflow import outlet_assets
from ._support import did_you_mean, failed, passed


def updated_by(node: Any, name: str, uri: str) -> bool:
    """Whether the condition holds when only the Asset (name, uri) has a new event."""
    objects = getattr(node, "objects", None)
    if objects is not None:  # all (a list, &) or any (|)
        results = [updated_by(o, name, uri) for o in objects]
        return any(results) if type(node).__name__.endswith("Any") else all(results)
    kind = type(node).__name__
    if kind.endswith("NameRef"):
        return node.name == name
    if kind.endswith("UriRef"):
        return node.uri == uri
    if kind.endswith("Alias"):
        return False  # an alias resolves through events, not the schedule
    return getattr(node, "name", None) == name and getattr(node, "uri", None) == uri


def referenced(node: Any) -> list[tuple[str, str, str]]:
    """(kind, uri or name as written, the Asset's name) for every Asset or reference the condition names."""
    objects = getattr(node, "objects", None)
    if objects is not None:
        return [item for o in objects for item in referenced(o)]
    kind = type(node).__name__
    if kind.endswith("NameRef"):
        return [("name", node.name, node.name)]
    if kind.endswith("UriRef"):
        return [("uri", node.uri, "")]
    if kind.endswith("Alias"):
        return [("alias", node.name, node.name)]
    return [("asset", node.uri, node.name)]


def check(sub: Submission) -> CheckResult:
    dag = sub.consumer
    wanted, variable = sub.exercise.asset_uri, sub.exercise.asset_variable
    file, line = sub.dag_file(dag), sub.dag_line(dag, "schedule")
    written = sub.written(dag, "schedule") or "None"
    condition = getattr(dag.timetable, "asset_condition", None)
    if condition is None or not is_asset_scheduled(dag):
        summary = getattr(dag.timetable, "summary", "")
        return failed(f"{dag.dag_id} has schedule={written} ({summary}), wanted schedule=[{variable}], the Asset {wanted!r}",
                      file=file, line=line)
    # The producer's Asset, wrong URI or not: a URI wrong in both DAGs is the producer's check's
    # failure, named once where the Asset is defined; scheduled on that same Asset, this DAG is right.
    produced = [a for _, a in outlet_assets(sub.producer)] if sub.producer else []
    chosen = next((a for a in produced if a.uri == wanted), produced[0] if produced else None)
    producer_asset = (chosen.name, chosen.uri) if chosen is not None else (wanted, wanted)
    if updated_by(condition, *producer_asset):
        return passed(f"schedule={written}: an update of {producer_asset[1]!r} alone triggers {dag.dag_id}", file, line)
    names = referenced(condition)
    name, uri = producer_asset
    if not any(_names_it(kind, value, asset_name, name, uri) for kind, value, asset_name in names):
        by_name = [value for kind, value, _ in names if kind == "name"]
        if by_name:
            return failed(
                f"{dag.dag_id} is scheduled on the Asset named {by_name[0]!r}, but the producer's Asset is named "
                f"{name!r} (an Asset's name is its URI unless given): no event ever triggers it",
                hint=f'Asset.ref(uri="{wanted}"), or better the very Asset object the producer lists in its outlets.',
                file=file, line=line)
        same_uri = [asset_name for kind, value, asset_name in names if kind == "asset" and value == uri]
        if same_uri:
            return failed(
                f"the consumer's Asset has uri {wanted!r} but name {same_uri[0]!r}, the producer's has name {name!r}: "
                "they are different Assets",
                hint="Define the Asset once and use that same object in the producer's outlets and the consumer's schedule.",
                file=file, line=line)
        uris = [value for kind, value, _ in names if kind in ("asset", "uri")]
        near = did_you_mean(uri, uris) or (uris[0] if uris else None)
        found = f"{near!r}" if near else "no Asset"
        return failed(
            f"{dag.dag_id} is scheduled on {found}, but the producer updates {uri!r}: the URIs differ, so the consumer never runs",
            file=file, line=line)
    others = sorted({value for kind, value, asset_name in names if not _names_it(kind, value, asset_name, name, uri)})
    return failed(
        f"{dag.dag_id} waits for ALL of {[value for _, value, _ in names]}: an update of {wanted!r} alone does not trigger it; "
        f"it also waits for {others}",
        hint=f"schedule=[{variable}] alone, or ({variable} | other) if either Asset should trigger it.",
        file=file, line=line)


def _names_it(kind: str, value: str, asset_name: str, name: str, uri: str) -> bool:
    """Whether one item of the condition is the producer's Asset (name, uri)."""
    if kind == "name":
        return value == name
    if kind == "uri":
        return value == uri
    return kind == "asset" and value == uri and asset_name == name
