"""consumer_schedule: the consumer is asset-scheduled and the producer's Asset alone triggers it.

Decided by Airflow's own AssetEvaluator on the scheduler's view of the consumer, the code the
scheduler runs to decide whether queued asset events make a run.
"""

from __future__ import annotations

from ._airflow import condition_satisfied_by, outlet_assets, serialized_key
from ._support import Outcome, Submission, did_you_mean, failed, passed, skipped


def check(sub: Submission) -> Outcome:
    dag = sub.consumer
    wanted = sub.course.asset_uri
    if dag is None:
        return skipped(f"no DAG {sub.course.consumer_dag_id} yet")
    file, line = sub.dag_file(dag), sub.dag_line(dag, "schedule")
    timetable = dag.timetable
    condition = getattr(timetable, "asset_condition", None)
    if condition is None or "Asset" not in type(timetable).__name__:
        summary = getattr(timetable, "summary", "")
        return failed(
            f"{dag.dag_id} has schedule={sub.written(dag, 'schedule') or 'None'} ({summary}), wanted schedule=[processed_data], the Asset {wanted!r}",
            file=file,
            line=line,
        )
    assets = [asset for _, asset in condition.iter_assets()]
    uris = [asset.uri for asset in assets]
    produced = [serialized_key(asset) for _, asset in outlet_assets(sub.producer)] if sub.producer else []
    producer_keys = [key for key in produced if key.uri == wanted] or [_key_for_uri(wanted)]
    if condition_satisfied_by(condition, producer_keys):
        return passed(f"schedule on {uris}: an update of {wanted!r} alone triggers {dag.dag_id}", file, line)
    if wanted not in uris:
        near = did_you_mean(wanted, uris) or (uris[0] if uris else None)
        found = f"{near!r}" if near else "no Asset"
        return failed(
            f"{dag.dag_id} is scheduled on {found}, but the producer updates {wanted!r}: the URIs differ, so the consumer never runs",
            file=file,
            line=line,
        )
    same_uri = [asset for asset in assets if asset.uri == wanted]
    if same_uri and all(serialized_key(asset) not in producer_keys for asset in same_uri):
        names = sorted({asset.name for asset in same_uri})
        return failed(
            f"the consumer's Asset has uri {wanted!r} but name {names[0]!r}, the producer's has name {producer_keys[0].name!r}: they are different Assets",
            hint="Define the Asset once and use that same object in the producer's outlets and the consumer's schedule.",
            file=file,
            line=line,
        )
    others = sorted({uri for uri in uris if uri != wanted})
    return failed(
        f"{dag.dag_id} waits for ALL of {uris}: an update of {wanted!r} alone does not trigger it; it also waits for {others}",
        hint="schedule=[processed_data] alone, or (processed_data | other) if either Asset should trigger it.",
        file=file,
        line=line,
    )


def _key_for_uri(uri: str):
    from airflow.serialization.definitions.assets import SerializedAssetUniqueKey

    return SerializedAssetUniqueKey(name=uri, uri=uri)
