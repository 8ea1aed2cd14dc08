"""registered_in_db: every DAG of the exercise reached the metadata DB the UI reads (DagModel + serialized DAG)."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import failed, join_and, passed, skipped


def check(sub: Submission) -> CheckResult:
    run = sub.run
    if run.registered is None:
        return failed(run.error or "the DAGs could not be written to the metadata database")
    specs = list(sub.exercise.dags.values())
    missing = [spec.id for spec in specs if sub.dag(spec) is None]
    if missing:
        return skipped(f"no DAG {missing[0]} yet")  # the id check says what is missing
    wanted = [sub.dag(spec).dag_id for spec in specs]
    for dag_id in wanted:
        record = run.registered.get(dag_id) or {}
        if not record.get("in_db") or not record.get("serialized") or record.get("is_stale"):
            return failed(f"{dag_id} is not in the metadata database after parsing ({record or 'no row'})")
    if run.db_import_errors:
        error = run.db_import_errors[0]
        return failed(f"the UI shows an import error for {error['filename']}: {error['error'].strip().splitlines()[-1]}")
    return passed(f"{join_and(wanted)} are in the metadata database (table dag, serialized_dag), no import errors")
