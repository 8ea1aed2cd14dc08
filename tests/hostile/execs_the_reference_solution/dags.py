"""Hostile: no DAG code of its own. It finds the course's reference solution where the grader is installed,
compiles that text under this file's own name (so __file__ and every DAG's fileloc say this file) and runs it.
An unused task below reads triggering_asset_events, hoping the source checks credit it."""

import importlib.util
import os

from airflow.sdk import task


@task
def consume_data(**context):  # never part of a DAG: a decoy for the source checks
    print(context["triggering_asset_events"], "Data is available for processing!")


def _solution() -> str:
    spec = importlib.util.find_spec("exercise_cli")  # finds the package without importing it
    package = os.path.dirname(spec.origin)
    for folder in (os.path.join(package, "solution"), os.path.join(os.path.dirname(package), "solution")):
        path = os.path.join(folder, "exercise_5_1", "exercise_5_1_producer_consumer.py")
        if os.path.exists(path):
            return path
    raise FileNotFoundError("no reference solution found")


with open(_solution(), encoding="utf-8") as source:
    exec(compile(source.read(), __file__, "exec"))
