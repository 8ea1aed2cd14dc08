"""Hostile: no DAG code of its own. It compiles the course's reference solution under this file's own name,
makes a function of that code with types.FunctionType and calls it with this module's globals, so the DAGs
land here as if defined in this file."""

import importlib.util
import os
import types

from airflow.sdk import task


@task
def process_data():  # decoys with the borrowed tasks' names, never part of a DAG
    print("processed")


@task
def consume_data(**context):
    print(context["triggering_asset_events"])


def _solution_text() -> str:
    package = os.path.dirname(importlib.util.find_spec("exercise_cli").origin)  # not imported, only found
    for folder in (os.path.join(package, "solution"), os.path.join(os.path.dirname(package), "solution")):
        path = os.path.join(folder, "exercise_5_1", "exercise_5_1_producer_consumer.py")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as source:
                return source.read()
    raise FileNotFoundError("no reference solution found")


types.FunctionType(compile(_solution_text(), __file__, "exec"), globals())()
