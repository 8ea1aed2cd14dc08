"""Why the scheduler made no consumer run, in the same words whoever gathered the facts (a local run
reads its metadata DB, live mode a deployment's REST API)."""

from __future__ import annotations


def why_not_triggered(consumer_id: str, produced: list[str], scheduled: list[str] | None, schedule_summary: str,
                      condition: object, queued: int | None = None, waited: float = 0.0) -> str:
    """`produced`: the Asset URIs the producer runs so far updated; `scheduled`: the Asset URIs the consumer
    is scheduled on (None: the consumer is not registered); `queued`: the consumer's asset queue entries,
    where they can be read (a local run)."""
    if not produced:
        return "the producer run recorded no asset event, so there was nothing to trigger it"
    if scheduled is None:
        return f"{consumer_id} is not in the metadata database"
    if not scheduled:
        return f"{consumer_id} is not scheduled on any Asset (its schedule is {schedule_summary!r})"
    if not set(scheduled) & set(produced):
        return f"the producer updated {produced} but {consumer_id} is scheduled on {scheduled}"
    updated = sorted(set(scheduled) & set(produced))
    waiting = sorted(set(scheduled) - set(produced))
    still = f": it still waits for {waiting}" if waiting else ""  # a consumer on several Assets
    one = len(updated) == 1
    events = f"the event for {updated}" if one else f"the events for {updated}"
    if queued is None:
        return f"none appeared within {waited:g} s of {events}; the condition of {consumer_id} is {condition}{still}"
    return (
        f"{events} {'was' if one else 'were'} queued for {consumer_id} ({queued} queue entr{'y' if queued == 1 else 'ies'}), "
        f"but its condition {condition} is not met by {'that Asset' if one else 'those Assets'} alone{still}"
    )


def asset_uris(expression: object) -> set[str]:
    """The Asset URIs an asset expression names, as Airflow writes it in DagModel and the REST API
    ({"all": [...]}, {"any": [...]}, {"asset": {"uri": ...}})."""
    if isinstance(expression, dict):
        if isinstance(expression.get("asset"), dict):
            return {expression["asset"].get("uri")} - {None}
        return set().union(*(asset_uris(e) for e in expression.get("all", expression.get("any", [])) or []))
    return set()
