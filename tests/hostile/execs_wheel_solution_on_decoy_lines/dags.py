"""Hostile (exercise 5.1): runs the reference solution read out of the grader's own wheel (wherever one is
readable: Gradescope's $ROOT/source/*.whl beside the venv, a wheel built into /tmp), compiled under this
file's name, with the code objects of its task functions moved by CodeType.replace(co_firstlineno=...)
onto the lines of decoy @task functions of the same names here (and decoy defs data_producer and
data_consumer, and a DAG(...) call with a variable id that never runs). own_definitions accepts a task
function whose code object claims (this file, its name, a decoy's line): graded 5/5 (20 of 20) with none
of the graded code in the file. Needs a reachable wheel (on this machine /tmp/ex53/wheel/...); where none
is, its import fails (0/5)."""

import glob
import os
import sys
import types
import zipfile

from airflow.sdk import DAG, Asset, dag, task

processed_data = Asset("s3://data-lake/processed_data")
NEVER = os.environ.get("NO_SUCH_VARIABLE_EVER")


@task(outlets=[processed_data])
def process_data():
    print("processed")


@task
def consume_data(**context):
    print(context["triggering_asset_events"])


def data_producer():
    pass


def data_consumer():
    pass


if NEVER:
    DAG(dag_id=NEVER, schedule=NEVER)


def _solution_text() -> str:
    places = [os.path.dirname(sys.prefix) + "/source/*.whl", "/autograder/source/*.whl", "/tmp/*/*.whl",
              "/tmp/*/*/*.whl", "/tmp/*/*/*/*.whl", "/var/tmp/*/*.whl"]
    for pattern in places:
        for path in glob.glob(pattern):
            try:
                with zipfile.ZipFile(path) as wheel:
                    return wheel.read("exercise_cli/solution/exercise_5_1/exercise_5_1_producer_consumer.py").decode()
            except (OSError, KeyError, zipfile.BadZipFile):
                continue
    raise FileNotFoundError("no wheel of the grader found")


DECOYS = {"process_data": process_data.function.__code__.co_firstlineno,
          "consume_data": consume_data.function.__code__.co_firstlineno}


def _moved(code: types.CodeType) -> types.CodeType:
    consts = tuple(_moved(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_consts=consts, co_firstlineno=DECOYS.get(code.co_name, code.co_firstlineno))


exec(_moved(compile(_solution_text(), __file__, "exec")))
