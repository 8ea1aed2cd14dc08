"""asset_dags (exercise 5.4's own check): each exercise DAG is what @asset makes: one task, Airflow's
@asset task, producing the DAG's own Asset (the DagSpec's outlets), as the DagBag serialized it."""

from __future__ import annotations

from exercise_cli.checks._airflow import outlet_assets
from exercise_cli.checks._support import combined, failed, passed
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

ASSET_TASK = "_AssetMainOperator"  # the operator @asset gives its one task (airflow/sdk/definitions/asset/decorators.py)


def check(sub: Submission) -> CheckResult:
    return combined([_dag(sub, spec, dag) for spec, dag in sub.found()])


def _dag(sub: Submission, spec, dag) -> CheckResult:
    file = sub.dag_file(dag)
    tasks = list(dag.tasks)
    kinds = sorted({getattr(t, "task_type", type(t).__name__) for t in tasks})
    if len(tasks) != 1 or kinds != [ASSET_TASK]:
        return failed(f"{dag.dag_id} has {len(tasks)} task(s) of type {', '.join(kinds) or 'none'}; an @asset function "
                      "makes a DAG with exactly one task", file=file)
    wanted = set(sub.exercise.uris(spec.outlets))
    produced = {outlet.uri for _, outlet in outlet_assets(dag)}
    if produced != wanted:
        return failed(f"the @asset task of {dag.dag_id} produces {', '.join(sorted(produced)) or 'no Asset'}; "
                      f"wanted {', '.join(sorted(wanted))}: give @asset(uri=...) that URI", file=file)
    return passed(f"{dag.dag_id}: one @asset task, {tasks[0].task_id}, producing {', '.join(sorted(produced))}", file)
