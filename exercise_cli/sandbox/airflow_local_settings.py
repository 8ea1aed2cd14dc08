"""Installed as $AIRFLOW_HOME/config/airflow_local_settings.py in the grading home.

Airflow calls the cluster policy `dag_policy` for every DAG it bags. Within one file, a second
DAG with the same id silently replaces the first in the DagBag, so the grader counts them here.
"""

from __future__ import annotations

BAGGED: list[tuple[str, str, int]] = []  # (dag_id, fileloc, id of the DAG object)

__all__ = ["dag_policy"]


def dag_policy(dag) -> None:
    BAGGED.append((dag.dag_id, str(dag.fileloc), id(dag)))
