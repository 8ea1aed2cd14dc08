"""consumer_schedule: each consumer is asset-scheduled on exactly its Assets, with its logic.

Decided on the scheduler's view of the consumer (its timetable's asset condition), evaluated as
the scheduler does over a set of updated Assets: a consumer on one Asset must be triggered by that
Asset alone; a consumer on several with logic "all" must be triggered once all are updated and NOT
while any one is missing (an OR would run it after the first update); with logic "any", by each one
alone. References resolve as Airflow resolves them: `Asset.ref(name=...)` to the Asset of that name,
`Asset.ref(uri=...)` to the Asset of that URI.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from exercise_cli.course import DagSpec
from exercise_cli.facts import Submission, is_asset_scheduled, runs_on_time_too
from exercise_cli.results import CheckResult

from ._airflow import outlet_assets
from ._support import combined, did_you_mean, failed, join_and, passed


def holds(node: Any, updated: set[tuple[str, str]]) -> bool:
    """Whether the condition holds when exactly the Assets (name, uri) in `updated` have a new event."""
    objects = getattr(node, "objects", None)
    if objects is not None:  # all (a list, &) or any (|)
        results = [holds(o, updated) for o in objects]
        return any(results) if type(node).__name__.endswith("Any") else all(results)
    kind = type(node).__name__
    if kind.endswith("NameRef"):
        return node.name in {name for name, _ in updated}
    if kind.endswith("UriRef"):
        return node.uri in {uri for _, uri in updated}
    if kind.endswith("Alias"):
        return False  # an alias resolves through events, not the schedule
    return (getattr(node, "name", None), getattr(node, "uri", None)) in updated


def updated_by(node: Any, name: str, uri: str) -> bool:
    """Whether the condition holds when only the Asset (name, uri) has a new event."""
    return holds(node, {(name, uri)})
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
    return combined([_consumer(sub, spec, dag) for spec, dag in sub.found("consumer")])


def producer_asset(sub: Submission, key: str) -> tuple[str, str]:
    """(name, uri) of the Asset the learner's producers list for this exercise Asset.

    The producer's Asset, wrong URI or not: a URI wrong in both DAGs is the producer's check's
    failure, named once where the Asset is defined; scheduled on that same Asset, a consumer is right."""
    wanted = sub.exercise.asset(key).uri
    produced = [a for spec, dag in sub.found("producer") if key in spec.outlets for _, a in outlet_assets(dag)]
    chosen = next((a for a in produced if a.uri == wanted), produced[0] if produced else None)
    return (chosen.name, chosen.uri) if chosen is not None else (wanted, wanted)


def _consumer(sub: Submission, spec: DagSpec, dag: Any) -> CheckResult:
    keys = spec.schedule_on
    uris = sub.exercise.uris(keys)
    file, line = sub.dag_file(dag), sub.dag_line(dag, "schedule")
    written = sub.written(dag, "schedule") or "None"
    condition = getattr(dag.timetable, "asset_condition", None)
    if condition is None or not is_asset_scheduled(dag):
        summary = getattr(dag.timetable, "summary", "")
        wanted = f"the Asset {uris[0]!r}" if len(uris) == 1 else f"the Assets {uris}"
        return failed(f"{dag.dag_id} has schedule={written} ({summary}), wanted schedule=[{', '.join(keys)}], {wanted}",
                      file=file, line=line)
    if runs_on_time_too(dag):
        return failed(f"{dag.dag_id} is scheduled on its Assets OR a timetable ({dag.timetable.summary}): the scheduler "
                      "also makes a run at each time of that timetable, whatever the Assets do",
                      hint=f"schedule=[{', '.join(keys)}] alone: drop AssetOrTimeSchedule and its timetable, so only "
                           f"{'the Asset triggers' if len(keys) == 1 else 'the Assets trigger'} the consumer.",
                      file=file, line=line)
    if len(keys) == 1:
        return _one_asset(sub, dag, keys[0], condition, written, file, line)
    return _several_assets(sub, spec, dag, condition, written, file, line)


def _one_asset(sub: Submission, dag: Any, variable: str, condition: Any, written: str, file, line) -> CheckResult:
    wanted = sub.exercise.asset(variable).uri
    produced = producer_asset(sub, variable)
    if updated_by(condition, *produced):
        return passed(f"schedule={written}: an update of {produced[1]!r} alone triggers {dag.dag_id}", file, line)
    names = referenced(condition)
    name, uri = produced
    if not any(_names_it(kind, value, asset_name, name, uri) for kind, value, asset_name in names):
        aliases = [value for kind, value, _ in names if kind == "alias"]
        if aliases:
            return failed(
                f"{dag.dag_id} is scheduled on the AssetAlias {aliases[0]!r}: an alias triggers it only when a task "
                f"attaches an event to that alias at run time{_producing(sub, variable)}",
                hint=f"schedule=[{variable}]: the very Asset object the producer lists in its outlets.",
                file=file, line=line)
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
        if not _produces(sub, variable):
            return failed(f"{dag.dag_id} is scheduled on {found}, wanted {wanted!r}{_producing(sub, variable)}",
                          file=file, line=line)
        return failed(
            f"{dag.dag_id} is scheduled on {found}, but the producer updates {uri!r}: the URIs differ, so the consumer never runs",
            file=file, line=line)
    others = sorted({value for kind, value, asset_name in names if not _names_it(kind, value, asset_name, name, uri)})
    return failed(
        f"{dag.dag_id} waits for ALL of {[value for _, value, _ in names]}: an update of {wanted!r} alone does not trigger it; "
        f"it also waits for {others}",
        hint=f"schedule=[{variable}] alone, or ({variable} | other) if either Asset should trigger it.",
        file=file, line=line)


def _several_assets(sub: Submission, spec: DagSpec, dag: Any, condition: Any, written: str, file, line) -> CheckResult:
    keys = spec.schedule_on
    assets = {key: producer_asset(sub, key) for key in keys}
    listed = f"schedule=[{', '.join(keys)}]"
    wanted = [uri for _, uri in assets.values()]
    names = referenced(condition)
    unnamed = [uri for name, uri in assets.values()
               if not any(_names_it(kind, value, asset_name, name, uri) for kind, value, asset_name in names)]
    if unnamed:
        found = [value for _, value, _ in names]
        return failed(f"{dag.dag_id} is scheduled on {join_and(found) or 'no Asset'}, not on {join_and(unnamed)}: it must wait "
                      f"for all of {join_and(wanted)}",
                      hint=f"{listed}: the very Asset objects the producers list in their outlets.", file=file, line=line)
    every = set(assets.values())
    others = sorted({value for kind, value, asset_name in names
                     if not any(_names_it(kind, value, asset_name, *a) for a in every)})
    if spec.logic == "any":
        for key, asset in assets.items():
            if not holds(condition, {asset}):
                return failed(f"schedule={written}: an update of {asset[1]!r} alone does not trigger {dag.dag_id}; wanted "
                              f"any one of {join_and(wanted, 'or')} to trigger it",
                              hint=f"schedule=({' | '.join(keys)}): | runs on any one of them.", file=file, line=line)
        return passed(f"schedule={written}: an update of any one of {join_and(wanted, 'or')} triggers "
                      f"{dag.dag_id}", file, line)
    if not holds(condition, every):
        return failed(f"{dag.dag_id} waits for {join_and(others)} too: updates of all of {join_and(wanted)} "
                      "do not trigger it", hint=f"{listed} and no other Asset.", file=file, line=line)
    hint = f"{listed}: a list (or &) waits for all of them; | lets any one of them trigger the run."
    if others:
        return failed(f"{dag.dag_id} is also scheduled on {join_and(others)}: wanted exactly {join_and(wanted)}",
                      hint=hint, file=file, line=line)
    for size in range(1, len(keys)):
        early = [subset for subset in combinations(keys, size) if holds(condition, {assets[k] for k in subset})]
        if not early:
            continue
        if size == 1:
            alone = [assets[subset[0]][1] for subset in early]
            which = f"any one of {join_and(alone, 'or')}" if len(alone) == len(keys) else f"{join_and(alone, 'or')} alone"
            return failed(f"{dag.dag_id} would run after the first update: schedule={written} lets {which} trigger it "
                          "without waiting for the other Assets", hint=hint,
                          file=file, line=line)
        subset = early[0]
        rest = [assets[k][1] for k in keys if k not in subset]
        return failed(f"{dag.dag_id} would run once {join_and([assets[k][1] for k in subset])} are updated, before {join_and(rest)}: "
                      f"schedule={written} does not wait for all {len(keys)}", hint=hint, file=file, line=line)
    return passed(f"schedule={written}: {dag.dag_id} runs once all of {join_and(wanted)} are updated, "
                  "and not before", file, line)


def _produces(sub: Submission, key: str) -> bool:
    """Whether a producer of this Asset lists any Asset in its outlets."""
    return any(outlet_assets(dag) for spec, dag in sub.found("producer") if key in spec.outlets)


def _producing(sub: Submission, key: str) -> str:
    return "" if _produces(sub, key) else "; and no producer task lists an Asset in its outlets yet"


def left_out(sub: Submission, spec: DagSpec, dag: Any) -> list[str]:
    """The URIs of the consumer's Assets (as its producers list them) that its schedule does not name at all."""
    condition = getattr(dag.timetable, "asset_condition", None)
    names = referenced(condition) if condition is not None else []
    return [uri for name, uri in (producer_asset(sub, key) for key in spec.schedule_on)
            if not any(_names_it(kind, value, asset_name, name, uri) for kind, value, asset_name in names)]


def _names_it(kind: str, value: str, asset_name: str, name: str, uri: str) -> bool:
    """Whether one item of the condition is the producer's Asset (name, uri)."""
    if kind == "name":
        return value == name
    if kind == "uri":
        return value == uri
    return kind == "asset" and value == uri and asset_name == name
