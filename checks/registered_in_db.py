"""registered_in_db: both DAGs reached the metadata DB the UI reads (DagModel + serialized DAG)."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import failed, passed, skipped


def check(sub: Submission) -> CheckResult:
    run = sub.run
    if run.registered is None:
        return failed(run.error or "the DAGs could not be written to the metadata database")
    wanted = [dag.dag_id for dag in (sub.producer, sub.consumer) if dag is not None]
    if len(wanted) < 2:
        missing = sub.exercise.consumer_dag_id if sub.producer is not None else sub.exercise.producer_dag_id
        return skipped(f"no DAG {missing} yet")  # the id check says what is missing
    for dag_id in wanted:
        record = run.registered.get(dag_id) or {}
        if not record.get("in_db") or not record.get("serialized") or record.get("is_stale"):
            return failed(f"{dag_id} is not in the metadata database after parsing ({record or 'no row'})")
    if run.db_import_errors:
        error = run.db_import_errors[0]
        return failed(f"the UI shows an import error for {error['filename']}: {error['error'].strip().splitlines()[-1]}")
    return passed(f"{wanted[0]} and {wanted[1]} are in the metadata database (table dag, serialized_dag), no import errors")
